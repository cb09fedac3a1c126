#include "smtpd/relay_policy.h"

#include "base/await_callback.h"
#include "base/log.h"
#include "base/printable.h"

namespace herald::smtpd {
namespace {

constexpr size_t kMaxIdsInReply = 8;  // the 250 after DATA names this many ids, then counts the rest

class RelayPolicy final : public SessionPolicy {
 public:
  RelayPolicy(RelayServices services, Peer peer) : services_(services), peer_(std::move(peer)) {}

  void Begin(smtp::ServerSession& protocol) override {
    connection_.reset();
    if (!peer_.ip) return;
    if (auto trusted = services_.access.ForClientAddress(*peer_.ip)) Authorize(protocol, *trusted, Via::kTrustedNetwork);
  }

  smtp::AuthResult Authenticate(smtp::ServerSession& protocol) override {
    auto log = Logger("smtpd");
    if (services_.throttle.Blocked(peer_.address)) {
      log->warn("{}: AUTH refused: too many recent failures from this address", peer_.address);
      return smtp::AuthResult::kTemporary;
    }
    const smtp::Credentials& credentials = protocol.credentials();
    if (!credentials.authzid.empty() && credentials.authzid != credentials.username) {
      services_.throttle.RecordFailure(peer_.address);
      log->info("{}: AUTH {} failed: authorisation identity differs from the username", peer_.address,
                credentials.mechanism);
      return smtp::AuthResult::kRejected;
    }
    Result<core::SmtpConnection> found = services_.access.Authenticate(credentials.username, credentials.password);
    if (found.ok()) {
      Authorize(protocol, *found, Via::kAuth);
      return smtp::AuthResult::kAccepted;
    }
    if (found.status().code() == Code::kUnavailable) {
      log->error("{}: AUTH: {}", peer_.address, found.status().message());
      return smtp::AuthResult::kTemporary;
    }
    services_.throttle.RecordFailure(peer_.address);
    log->info("{}: AUTH {} failed for user {}", peer_.address, credentials.mechanism,
              Printable(credentials.username, 64));
    return smtp::AuthResult::kRejected;
  }

  boost::asio::awaitable<smtp::ServerReply> Deliver(const smtp::Envelope& envelope, std::string message) override {
    // The state machine allows DATA only after SetAuthorized, which Authorize pairs with connection_.
    if (!connection_) co_return smtp::ServerReply{451, "4.3.0", "Not authorised; try again"};
    intake::SmtpSubmission submission;
    submission.account_id = connection_->account_id;
    submission.pool = pool_;
    submission.allowed_domains = connection_->domains;
    submission.list_help_url = connection_->list_help_url;
    submission.mail_from = envelope.mail_from.address.AddrSpec();
    for (const smtp::Path& rcpt : envelope.rcpt_to) submission.rcpt_to.push_back(rcpt.address.AddrSpec());
    submission.smtputf8 = envelope.smtputf8;
    submission.raw = std::move(message);
    const size_t size = submission.raw.size();
    const size_t recipients = submission.rcpt_to.size();

    auto stored = co_await AwaitCallback<Result<std::vector<intake::Accepted>>>(
        [&](auto done) { services_.intake.SubmitSmtp(std::move(submission), done); });
    smtp::ServerReply reply = RelayReply(stored);
    auto log = Logger("smtpd");
    if (stored.ok()) {
      services_.access.NoteUse(*connection_);
      log->info("{}: {} accepted {} ({} bytes, {} recipients): {}", peer_.address, connection_->id,
                stored->front().id, size, recipients, reply.text);
    } else if (reply.code >= 500) {
      log->info("{}: {} refused a message: {}", peer_.address, connection_->id, stored.status().message());
    } else {
      log->error("{}: {} could not store a message: {}", peer_.address, connection_->id, stored.status().ToString());
    }
    co_return reply;
  }

 private:
  enum class Via { kTrustedNetwork, kAuth };

  void Authorize(smtp::ServerSession& protocol, const core::SmtpConnection& connection, Via via) {
    connection_ = connection;
    pool_ = services_.access.PoolOf(connection.account_id);
    Logger("smtpd")->info("{}: authorised as SMTP connection {} ({})", peer_.address, connection.id,
                          via == Via::kAuth ? "AUTH " + protocol.credentials().mechanism : "trusted network");
    // A trusted network's connection says whether it needs TLS; AUTH happens only under TLS anyway.
    bool require_tls = via == Via::kTrustedNetwork && connection.require_tls;
    protocol.SetAuthorized(require_tls, [connection](const smtp::Path& sender) -> std::optional<smtp::ServerReply> {
      if (sender.null()) {
        return smtp::ServerReply{550, "5.7.1", "A null sender is not accepted; send from one of this connection's domains"};
      }
      if (!RelayAccess::AllowsDomain(connection, sender.address.domain)) {
        return smtp::ServerReply{550, "5.7.1", "Sender domain " + Printable(core::AsciiLower(sender.address.domain), 255) +
                                                   " is not one of this SMTP connection's domains"};
      }
      return std::nullopt;
    });
  }

  RelayServices services_;
  Peer peer_;
  std::optional<core::SmtpConnection> connection_;
  std::string pool_;  // the IP pool of connection_'s account
};

// " id1 id2 …" for at most `room` of `ids`, then " and N more".
std::string IdList(const std::vector<std::string>& ids, size_t room) {
  std::string text;
  for (size_t i = 0; i < ids.size() && i < room; ++i) text += " " + ids[i];
  if (ids.size() > room) text += " and " + std::to_string(ids.size() - room) + " more";
  return text;
}

}  // namespace

PolicyFactory RelayPolicies(RelayServices services) {
  return [services](const Peer& peer) { return std::make_unique<RelayPolicy>(services, peer); };
}

smtp::ServerReply RelayReply(const Result<std::vector<intake::Accepted>>& stored) {
  if (stored.ok()) {
    std::vector<std::string> queued;
    std::vector<std::string> suppressed;
    for (const intake::Accepted& accepted : *stored)
      (accepted.status == core::MessageStatus::kSuppressed ? suppressed : queued).push_back(accepted.id);
    std::string text = "Ok:";
    const size_t room = std::min(queued.size(), kMaxIdsInReply);
    if (!queued.empty()) text += " queued as" + IdList(queued, room);
    if (!suppressed.empty()) {
      text += std::string(queued.empty() ? "" : ";") + " suppressed (recipient_suppressed):" +
              IdList(suppressed, std::max<size_t>(1, kMaxIdsInReply - room));
    }
    return {250, "2.0.0", text};
  }
  const Status& s = stored.status();
  switch (s.code()) {
    case Code::kPermissionDenied:
      return {550, "5.7.1", Printable(s.message(), 300)};
    case Code::kInvalidArgument:
      return {550, "5.6.0", Printable(s.message(), 300)};
    default:
      return {451, "4.3.0", "Temporary failure storing the message; try again later"};
  }
}

}  // namespace herald::smtpd
