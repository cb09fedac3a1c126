// Timing of mime::BuildMessage, single-threaded, on what a campaign trigger builds: the 20 KB HTML order
// confirmation (src/templates/testing/campaign_fixture.h) rendered for its context, the text part derived
// from it (templates::HtmlToText, as campaigns/renderer does), the usual headers, and
//   (a) no attachment;  (b) a 100 KB attachment of random bytes (bench/campaign_fixture.py's PDF).
// The cases are interleaved round by round, so that machine noise hits them alike; each round times a
// batch of builds, and the median (and fastest) round's time per message is printed.
//
//   build/bench/mime_bench [rounds=21] [milliseconds per round and case=200]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "base/base64.h"
#include "mime/message_builder.h"
#include "templates/html_to_text.h"
#include "templates/template.h"
#include "templates/testing/campaign_fixture.h"

namespace {

using herald::mime::MessageContent;

herald::core::EmailAddress Mailbox(std::string_view addr_spec, std::string display_name) {
  herald::Result<herald::core::EmailAddress> address = herald::core::ParseAddrSpec(addr_spec);
  if (!address.ok()) std::abort();
  address->display_name = std::move(display_name);
  return *address;
}

MessageContent CampaignMessage(size_t attachment_bytes) {
  namespace templates = herald::templates;
  auto compiled = templates::Template::Compile(templates::testing::CampaignHtml(), templates::Escape::kHtml);
  if (!compiled.ok()) std::abort();
  auto html =
      (*compiled)->Render(templates::testing::CampaignContext(), templates::MissingVariables::kLenient);
  if (!html.ok()) std::abort();

  MessageContent content;
  content.from = Mailbox("orders@shop.example", "Shop");
  content.to = Mailbox("zoe@example.com", "Zoë O'Brien");
  content.subject = "Your order A-10293";
  content.html = *html;
  content.text = templates::HtmlToText(*html);
  content.headers = {{"List-Unsubscribe", "<https://shop.example/prefs?u=48213>"},
                     {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
                     {"X-Campaign", "bench"}};
  content.message_id = "msg_01jdz4n7r8xg4w5v3k2p9qh6tb@shop.example";
  content.date = herald::FromUnixMillis(1'796'158'800'000);
  if (attachment_bytes > 0) {
    std::mt19937_64 random(42);
    std::string bytes(attachment_bytes, '\0');
    for (char& byte : bytes) byte = static_cast<char>(random());
    content.attachments.push_back({"invoice-A-10293.pdf", "application/pdf", herald::CanonicalBase64::Encode(bytes)});
  }
  return content;
}

struct Case {
  const char* name;
  MessageContent content;
  size_t batch = 1;                 // builds per round, sized in the first round
  std::vector<double> per_message;  // microseconds, one per round
};

double TimeBatch(const MessageContent& content, size_t batch) {
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < batch; ++i) {
    herald::Result<herald::mime::BuiltMessage> built = herald::mime::BuildMessage(content);
    if (!built.ok()) {
      std::fprintf(stderr, "BuildMessage: %s\n", built.status().ToString().c_str());
      std::abort();
    }
  }
  const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
  return elapsed.count() / static_cast<double>(batch);
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 21;
  const double round_us = (argc > 2 ? std::atof(argv[2]) : 200.0) * 1000.0;
  std::vector<Case> cases;
  cases.push_back({"a: 20 KB HTML + derived text", CampaignMessage(0)});
  cases.push_back({"b: the same + 100 KB attachment", CampaignMessage(100 * 1024)});
  for (Case& c : cases) {
    const herald::mime::BuiltMessage built = herald::mime::BuildMessage(c.content).value();
    std::string encodings;
    const std::string field = "Content-Transfer-Encoding: ";
    for (size_t at = built.wire.find(field); at != std::string::npos; at = built.wire.find(field, at + 1)) {
      at += field.size();
      encodings += " " + built.wire.substr(at, built.wire.find('\r', at) - at);
    }
    std::printf("%-34s html %zu B, text %zu B -> message %zu B;%s\n", c.name, c.content.html.size(),
                c.content.text.size(), built.wire.size(), encodings.c_str());
    const double warm = TimeBatch(c.content, 50);
    c.batch = std::max<size_t>(1, static_cast<size_t>(round_us / warm));
  }
  for (int round = 0; round < rounds; ++round) {
    for (Case& c : cases) c.per_message.push_back(TimeBatch(c.content, c.batch));
  }
  for (Case& c : cases) {
    std::sort(c.per_message.begin(), c.per_message.end());
    std::printf("%-34s median %8.2f us/message, fastest %8.2f (%d rounds of %zu)\n", c.name,
                c.per_message[c.per_message.size() / 2], c.per_message.front(), rounds, c.batch);
  }
  return 0;
}
