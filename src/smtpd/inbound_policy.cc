#include "smtpd/inbound_policy.h"

#include "base/await_callback.h"
#include "base/log.h"

namespace herald::smtpd {
namespace {

class InboundPolicy final : public SessionPolicy {
 public:
  InboundPolicy(reports::ReportRecorder& recorder, Peer peer) : recorder_(recorder), peer_(std::move(peer)) {}

  void Begin(smtp::ServerSession& protocol) override {
    protocol.SetRecipientCheck(
        [&recorder = recorder_](const smtp::Path& recipient) { return recorder.CheckRecipient(recipient); });
  }

  // The inbound state machine neither offers nor accepts AUTH.
  smtp::AuthResult Authenticate(smtp::ServerSession&) override { return smtp::AuthResult::kRejected; }

  boost::asio::awaitable<smtp::ServerReply> Deliver(const smtp::Envelope& envelope, std::string message) override {
    const size_t size = message.size();
    smtp::ServerReply reply = co_await AwaitCallback<smtp::ServerReply>(
        [&](auto done) { recorder_.Record(envelope, std::move(message), done); });
    Logger("inbound")->info("{}: a message of {} bytes for {} recipient(s): {} {} {}", peer_.address, size,
                            envelope.rcpt_to.size(), reply.code, reply.enhanced_code, reply.text);
    co_return reply;
  }

 private:
  reports::ReportRecorder& recorder_;
  Peer peer_;
};

}  // namespace

PolicyFactory InboundPolicies(reports::ReportRecorder& recorder) {
  return [&recorder](const Peer& peer) { return std::make_unique<InboundPolicy>(recorder, peer); };
}

}  // namespace herald::smtpd
