-- wrk script: POST /v1/messages with a small inline message (order confirmation size), counting
-- answers that are not 202 so that a fast run of errors can't pass for throughput.
local key = os.getenv("HERALD_API_KEY")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.body = [[{"from": "Shop <orders@shop.example>", "to": {"email": "jane.doe@example.com", "name": "Jane Doe"},
  "subject": "Your order 1001 is confirmed",
  "html": "<html><body><h1>Thank you for your order</h1><p>Order 1001: 2 items, 59.90 EUR.</p><p>We will tell you when it ships.</p></body></html>",
  "text": "Thank you for your order.\nOrder 1001: 2 items, 59.90 EUR.\nWe will tell you when it ships.",
  "tags": ["order-confirmation"], "metadata": {"order_id": "1001"}}]]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_accepted = 0
end

function response(status, headers, body)
  if status ~= 202 then
    not_accepted = not_accepted + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("not_accepted")
  end
  io.write(string.format("not_202 %d\n", failed))
  io.write(string.format("p50_ms %.2f\np99_ms %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
