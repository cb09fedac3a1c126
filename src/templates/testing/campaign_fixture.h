// A campaign as the benchmark and the concurrency test render it: a 20 KB HTML order confirmation
// (table layout, inline styles, as e-mail HTML is written) using 20 variables, 17 of them once or more
// at the top level and 3 inside a section over the order's items, and the context that fills them.
//
// Thread-safety: pure functions. Untrusted input: none (test data).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace herald::templates::testing {

inline constexpr size_t kCampaignVariables = 20;

inline std::string CampaignHtml() {
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Order {{data.order.id}}</title>\n"
      "<style>body{margin:0;padding:0;background:#f4f4f4}td{font-family:Arial,sans-serif}</style></head>\n"
      "<body>\n<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\">\n"
      "<tr><td style=\"padding:24px;font-size:22px;color:#222\">Hello {{profile.firstName}} "
      "{{profile.lastName}},</td></tr>\n"
      "<tr><td style=\"padding:0 24px;font-size:15px;color:#444\">Thank you for your order "
      "<strong>{{data.order.id}}</strong> of {{data.order.date}}. We will send it to "
      "{{profile.email}} as soon as it leaves our warehouse.</td></tr>\n"
      "<tr><td><table width=\"100%\" style=\"border-collapse:collapse\">\n"
      "{{#data.order.items}}<tr><td style=\"padding:8px 24px\">{{name}}</td>"
      "<td style=\"padding:8px\">{{quantity}}</td><td "
      "style=\"padding:8px;text-align:right\">{{price}}</td></tr>\n"
      "{{/data.order.items}}</table></td></tr>\n"
      "<tr><td style=\"padding:8px 24px;text-align:right\">Total: <strong>{{data.order.total}} "
      "{{data.order.currency}}</strong></td></tr>\n"
      "<tr><td style=\"padding:24px\">Shipping to:<br>{{data.shipping.name}}<br>{{data.shipping.street}}<br>"
      "{{data.shipping.zip}} {{data.shipping.city}}</td></tr>\n"
      "<tr><td style=\"padding:24px\"><a href=\"{{{data.trackingUrl}}}\" "
      "style=\"background:#0a66c2;color:#fff;"
      "padding:12px 20px;text-decoration:none\">Track your parcel with {{data.carrier}}</a></td></tr>\n";
  // The body of a real campaign: paragraphs of terms, returns and product advice, as long as it takes.
  const std::string filler =
      "<tr><td style=\"padding:12px 24px;font-size:13px;line-height:20px;color:#666\">You may return any "
      "item "
      "within 30 days of delivery. Keep the original packaging and the delivery note; print the return label "
      "from your account page and drop the parcel at any post office. Refunds reach your account within five "
      "working days of our receiving the parcel.</td></tr>\n";
  while (html.size() < 19 * 1024) html += filler;
  html +=
      "<tr><td style=\"padding:24px;font-size:12px;color:#999\">Customer number {{profile.customerId}}. "
      "Questions? Write to <a href=\"mailto:{{data.supportEmail}}\">{{data.supportEmail}}</a>.<br>"
      "Message {{message.id}}. <a href=\"{{{data.unsubscribeUrl}}}\">Preferences</a>"
      "</td></tr>\n</table>\n</body></html>\n";
  return html;
}

inline nlohmann::json CampaignContext() {
  return nlohmann::json::parse(R"({
    "profile": {"firstName": "Zoë", "lastName": "O'Brien", "email": "zoe@example.com", "customerId": 48213,
                "gsmNumber": "+32470123456", "language": "en"},
    "data": {
      "order": {"id": "A-10293", "date": "2026-12-01", "total": 149.5, "currency": "EUR",
                "items": [{"name": "Rain jacket <XL>", "quantity": 1, "price": 99.0},
                          {"name": "Wool socks & liners", "quantity": 2, "price": 12.75},
                          {"name": "Water bottle", "quantity": 1, "price": 25}]},
      "shipping": {"name": "Zoë O'Brien", "street": "Rue de la Loi 16", "zip": "1000", "city": "Bruxelles",
                   "country": "Belgium"},
      "carrier": "bpost", "trackingUrl": "https://track.example.com/?id=A-10293&lang=en",
      "supportEmail": "help@shop.example", "unsubscribeUrl": "https://shop.example/prefs?u=48213"
    },
    "message": {"id": "msg_01JEXAMPLE", "date": "2026-12-01T21:40:00Z"}
  })");
}

}  // namespace herald::templates::testing
