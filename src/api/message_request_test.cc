#include "api/message_request.h"

#include <gtest/gtest.h>

#include <tuple>

namespace herald::api {
namespace {

const ApiError* ErrorOf(const std::variant<intake::SendRequest, ApiError>& result) {
  return std::get_if<ApiError>(&result);
}

void ExpectError(std::string_view body, int status, std::string_view code, std::string_view field) {
  auto result = ParseSendRequest(std::string(body), "acct_1");
  const ApiError* error = ErrorOf(result);
  ASSERT_NE(error, nullptr) << body;
  EXPECT_EQ(static_cast<int>(error->status), status) << body;
  EXPECT_EQ(error->code, code) << body;
  EXPECT_EQ(error->field, field) << body;
}

TEST(ParseSendRequest, ReadsACompleteRequest) {
  auto result = ParseSendRequest(R"({
    "from": "Shop <orders@shop.example>", "to": {"email": "jane@example.com", "name": "Jane Doe"},
    "reply_to": "help@shop.example", "subject": "Order 1001", "html": "<p>Hi</p>", "text": "Hi",
    "headers": {"X-Order-Id": "1001"}, "tags": ["order"], "metadata": {"order": "1001"},
    "idempotency_key": "order-1001"})",
                                 "acct_1");
  ASSERT_EQ(ErrorOf(result), nullptr) << ErrorOf(result)->message;
  const auto& request = std::get<intake::SendRequest>(result);
  EXPECT_EQ(request.account_id, "acct_1");
  EXPECT_EQ(request.from.display_name, "Shop");
  EXPECT_EQ(request.from.AddrSpec(), "orders@shop.example");
  EXPECT_EQ(request.to.display_name, "Jane Doe");
  EXPECT_EQ(request.reply_to->AddrSpec(), "help@shop.example");
  EXPECT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.tags, std::vector<std::string>{"order"});
  EXPECT_EQ(request.metadata["order"], "1001");
  EXPECT_EQ(request.idempotency_key, "order-1001");
}

TEST(ParseSendRequest, RejectsBadInputNamingTheField) {
  ExpectError("{not json", 400, "invalid_json", "");
  ExpectError("[1,2]", 400, "invalid_json", "");
  ExpectError(R"({"from":"a@b.example","subject":"s","text":"t"})", 422, "missing_field", "to");
  ExpectError(R"({"from":"a@b.example","to":"nobody","subject":"s","text":"t"})", 422, "invalid_address", "to");
  ExpectError(R"({"from":"a@b.example","to":{"name":"x"},"subject":"s","text":"t"})", 422, "missing_field", "to.email");
  ExpectError(R"({"from":"a@b.example","to":{"email":"c@d.example","gsm":"+33"},"subject":"s","text":"t"})", 422,
              "unknown_field", "to.gsm");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":5,"text":"t"})", 422, "invalid_type", "subject");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":"s","text":"t","tags":"x"})", 422, "invalid_type",
              "tags");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":"s","text":"t","colour":"red"})", 422,
              "unknown_field", "colour");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":"s"})", 422, "missing_field", "html");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":"a\r\nBcc: x@y.example","text":"t"})", 422,
              "invalid_value", "subject");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":"s","text":"t","headers":{"X-A":"b\r\nBcc: x@y.example"}})",
              422, "invalid_header", "headers.X-A");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":"s","text":"t","headers":{"Bcc":"x@y.example"}})",
              422, "invalid_header", "headers.Bcc");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":"s","text":"t","metadata":{"k":1}})", 422,
              "invalid_type", "metadata.k");
  ExpectError(R"({"from":"a@b.example","to":"c@d.example","subject":"s","text":"t","idempotency_key":""})", 422,
              "invalid_value", "idempotency_key");

  std::string huge_subject = R"({"from":"a@b.example","to":"c@d.example","text":"t","subject":")" +
                             std::string(2 * 1024 * 1024, 'x') + "\"}";
  ExpectError(huge_subject, 422, "too_long", "subject");
}

TEST(ParseTriggerRequest, KeepsAttachmentsAsTheirBase64AndNamesTheFieldAtFault) {
  auto parse = [](std::string_view attachment) {
    return ParseTriggerRequest(nlohmann::json::parse(R"({"campaign": "c", "to": {"email": "a@b.example"},
                                                         "attachments": [)" + std::string(attachment) + "]}"),
                               "acct_1");
  };
  auto good = parse(R"({"filename": "a.pdf", "content_type": "Application/PDF", "content": "JVBERi0="})");
  ASSERT_EQ(std::get_if<ApiError>(&good), nullptr) << std::get<ApiError>(good).message;
  const mime::Attachment& attachment = std::get<intake::TriggerRequest>(good).attachments.at(0);
  EXPECT_EQ(attachment.base64.text(), "JVBERi0=");
  EXPECT_EQ(attachment.content_type, "application/pdf");

  for (auto [body, code, field] : {
           std::tuple{R"({"filename": "a.pdf", "content_type": "application/pdf", "content": "JVBERi0"})",
                      "invalid_value", "attachments[0].content"},
           {R"({"filename": "a.pdf", "content_type": "application/pdf", "content": "JVBE\nRi0="})", "invalid_value",
            "attachments[0].content"},
           {R"({"filename": "a.pdf", "content_type": "application/pdf", "content": "JVBERi1="})", "invalid_value",
            "attachments[0].content"},
           {R"({"filename": "../a.pdf", "content_type": "application/pdf", "content": ""})", "invalid_value",
            "attachments[0].filename"},
           {R"({"filename": "a.pdf", "content_type": "pdf", "content": ""})", "invalid_value",
            "attachments[0].content_type"},
           {R"({"filename": "a.pdf", "content_type": "application/pdf"})", "missing_field", "attachments[0].content"},
           {R"({"filename": "a.pdf", "content_type": "application/pdf", "content": 5})", "invalid_type",
            "attachments[0].content"},
       }) {
    auto result = parse(body);
    const ApiError* error = std::get_if<ApiError>(&result);
    ASSERT_NE(error, nullptr) << body;
    EXPECT_EQ(error->code, code) << body;
    EXPECT_EQ(error->field, field) << body;
  }
}

}  // namespace
}  // namespace herald::api
