// Intake's campaign door: Intake::Trigger and Intake::Preview (see intake.h). The named steps:
// find the active campaign → its profile table → the recipient's profile as it will become → render
// → build the MIME message with its attachments → check the sender's domain → sign → store the
// message and the profile's change in one commit → schedule.
#include "base/base64.h"
#include "base/random.h"
#include "core/address.h"
#include "intake/intake.h"
#include "profiles/attribute_values.h"
#include "tracking/links.h"

namespace herald::intake {

using nlohmann::json;

struct Intake::Rendered {
  core::Campaign campaign;
  storage::ProfileWrite profile;
  campaigns::RenderedContent content;
};

namespace {

// The field name the caller knows for a profile attribute.
Status AttributeError(const Status& s) { return Status(s.code(), "to.attributes." + s.message()); }

// "Shop <orders@shop.example>" or "orders@shop.example", as a campaign's rendered sender or reply-to.
Result<core::EmailAddress> ParseMailbox(std::string_view text, std::string_view field) {
  std::string_view spec = text;
  std::string name;
  if (size_t open = text.rfind('<'); open != std::string_view::npos && text.ends_with(">")) {
    spec = text.substr(open + 1, text.size() - open - 2);
    std::string_view display = text.substr(0, open);
    while (!display.empty() && display.back() == ' ') display.remove_suffix(1);
    if (display.size() >= 2 && display.front() == '"' && display.back() == '"') display = display.substr(1, display.size() - 2);
    name = std::string(display);
  }
  Result<core::EmailAddress> address = core::ParseAddrSpec(spec);
  if (!address.ok()) return Status::InvalidArgument(std::string(field) + ": " + address.status().message());
  if (Status valid = core::ValidateDisplayName(name); !valid.ok())
    return Status::InvalidArgument(std::string(field) + ": " + valid.message());
  address->display_name = std::move(name);
  return address;
}

}  // namespace

Result<Intake::Rendered> Intake::Render(const TriggerRequest& request, const std::string& message_id, TimePoint now) {
  Result<core::Campaign> campaign = store_.GetCampaign(request.account_id, request.campaign);
  if (campaign.status().code() == Code::kNotFound) return Status::NotFound("campaign: no campaign " + request.campaign);
  if (!campaign.ok()) return campaign.status();
  if (campaign->status != core::CampaignStatus::kActive && !request.test) {
    return Status::FailedPrecondition("campaign: " + campaign->key + " is " + std::string(core::ToString(campaign->status)) +
                                      "; only an active campaign can be triggered");
  }
  if (campaign->channel != core::Channel::kEmail)
    return Status::InvalidArgument("campaign: " + campaign->key + " is an SMS campaign; SMS cannot be sent yet");
  Result<core::ProfileTable> table = store_.GetProfileTable(request.account_id, campaign->profile_table);
  if (table.status().code() == Code::kNotFound)
    return Status::NotFound("campaign: its profile table " + campaign->profile_table + " does not exist");
  if (!table.ok()) return table.status();

  // The profile: the caller's attributes, made canonical, with the recipient's address and number.
  Result<json> changes = profiles::CanonicalAttributes(*table, request.attributes);
  if (!changes.ok()) return AttributeError(changes.status());
  Result<core::EmailAddress> to = core::ParseAddrSpec(request.email);
  if (!to.ok()) return Status::InvalidArgument("to.email: " + to.status().message());
  std::string lookup_attribute = table->key;
  if (table->kind == core::ProfileTableKind::kTransactional) {
    lookup_attribute = std::string(core::kEmailAttribute);
    Result<json> email = profiles::CanonicalValue(*table->Find(core::kEmailAttribute), request.email);
    if (!email.ok()) return Status::InvalidArgument("to.email: " + email.status().message());
    (*changes)[lookup_attribute] = *email;
    if (!request.gsm.empty()) {
      Result<std::string> gsm = profiles::E164(request.gsm);
      if (!gsm.ok()) return Status::InvalidArgument("to.gsm: " + gsm.status().message());
      (*changes)[std::string(core::kGsmAttribute)] = *gsm;
    }
  } else if (!changes->contains(lookup_attribute) || (*changes)[lookup_attribute].is_null()) {
    return Status::InvalidArgument("to.attributes." + lookup_attribute + ": required to find the profile");
  }
  const std::string lookup_value = core::IndexText((*changes)[lookup_attribute]);
  json existing = json::object();
  if (Result<core::Profile> found = store_.FindProfile(table->id, lookup_attribute, lookup_value); found.ok()) {
    existing = std::move(found->attributes);
  } else if (found.status().code() != Code::kNotFound) {
    return found.status();
  }
  Result<json> merged = core::MergeAttributes(*table, existing, *changes);
  if (!merged.ok()) return AttributeError(merged.status());

  Result<campaigns::RenderedContent> content = renderer_.Render(*campaign, *merged, request.data, message_id, now);
  if (content.status().code() == Code::kFailedPrecondition)
    return Status::InvalidArgument(content.status().message() + ": missing variable");
  if (!content.ok()) return content.status();
  storage::ProfileWrite write{std::move(*table), std::move(lookup_attribute), lookup_value, std::move(*changes),
                              NewId("prf", now), now};
  return Rendered{std::move(*campaign), std::move(write), std::move(*content)};
}

void Intake::SetTracking(std::string base_url, tracking::TokenCodec codec) {
  tracking_base_ = std::move(base_url);
  tracking_.emplace(codec);
}

Result<campaigns::RenderedContent> Intake::Preview(const TriggerRequest& request) {
  const TimePoint now = clock_.Now();
  TriggerRequest preview = request;
  preview.test = true;  // any status
  Result<Rendered> rendered = Render(preview, NewId("msg", now), now);
  if (!rendered.ok()) return rendered.status();
  return std::move(rendered->content);
}

void Intake::Trigger(TriggerRequest request, storage::ResultCallback<Accepted> done) {
  size_t attached = 0;
  for (const mime::Attachment& a : request.attachments) attached += a.base64.decoded_size();
  if (attached > options_.max_attachment_bytes) {
    return done(Status::ResourceExhausted("attachments: " + std::to_string(attached) + " bytes; the limit is " +
                                          std::to_string(options_.max_attachment_bytes)));
  }
  const TimePoint now = clock_.Now();
  const std::string id = NewId("msg", now);
  Result<Rendered> rendered = Render(request, id, now);
  if (!rendered.ok()) return done(rendered.status());
  campaigns::RenderedContent& content = rendered->content;

  Result<core::EmailAddress> from = ParseMailbox(content.from, "from");
  if (!from.ok()) return done(from.status());
  const core::CampaignContent& design = rendered->campaign.content;
  if (tracking_ && !content.html.empty()) {
    // Links first, so the pixel's own URL is not taken for a link.
    if (design.track_clicks) {
      content.html = tracking::RewriteLinks(content.html, [&](std::string_view url) {
        return tracking_base_ + "/t/c/" + tracking_->Make({tracking::TokenKind::kClick, id, std::string(url)});
      });
    }
    if (design.track_opens) {
      content.html = tracking::AddOpenPixel(content.html,
                                            tracking_base_ + "/t/o/" + tracking_->Make({tracking::TokenKind::kOpen, id, ""}));
    }
  }
  SendRequest send;
  send.account_id = request.account_id;
  send.pool = request.pool;
  send.from = std::move(*from);
  send.to = *core::ParseAddrSpec(request.email);  // checked by Render
  send.to.display_name = request.name;
  if (!content.reply_to.empty()) {
    Result<core::EmailAddress> reply_to = ParseMailbox(content.reply_to, "reply_to");
    if (!reply_to.ok()) return done(reply_to.status());
    send.reply_to = std::move(*reply_to);
  }
  send.subject = std::move(content.subject);
  send.html = std::move(content.html);
  send.text = std::move(content.text);
  send.headers = std::move(request.headers);
  send.tags = std::move(request.tags);
  send.metadata = std::move(request.metadata);
  send.idempotency_key = std::move(request.idempotency_key);
  send.attachments = std::move(request.attachments);

  Result<domains::SendingIdentity> identity = domains_.ForSending(request.account_id, send.from.domain);
  if (!identity.ok()) return done(identity.status());
  Result<storage::NewMessage> built = Build(send, now, id);
  if (!built.ok()) return done(built.status());
  built->record.campaign = rendered->campaign.key;
  built->record.campaign_version = rendered->campaign.version;
  if (!request.test) built->profile = std::move(rendered->profile);
  // The store names a unique attribute whose value another profile holds; the caller knows it as
  // to.attributes.<name>.
  SignAndStore(*identity, std::move(*built), now, [done = std::move(done)](Result<Accepted> accepted) {
    if (!accepted.ok() && accepted.status().code() == Code::kAlreadyExists &&
        !accepted.status().message().starts_with("message ")) {
      return done(Status(Code::kAlreadyExists, "to.attributes." + accepted.status().message()));
    }
    done(std::move(accepted));
  });
}

}  // namespace herald::intake
