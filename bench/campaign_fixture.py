#!/usr/bin/python3
"""The campaign of bench/campaign_send.sh (issue 6, acceptance 5): a 20 KB HTML order confirmation with 20
variables (the same shape as src/templates/testing/campaign_fixture.h), and the trigger that bench/trigger_load.cc
sends for a new recipient each time, with the trigger's data and a 100 KB PDF-like attachment.

usage: campaign_fixture.py campaign > campaign.json      # the POST /v1/campaigns body
       campaign_fixture.py trigger > trigger.json        # the POST /v1/messages body, EMAIL for the address
"""
import base64
import json
import os
import sys

FILLER = ('<tr><td style="padding:12px 24px;font-size:13px;line-height:20px;color:#666">You may return any item '
          'within 30 days of delivery. Keep the original packaging and the delivery note; print the return label '
          'from your account page and drop the parcel at any post office. Refunds reach your account within five '
          'working days of our receiving the parcel.</td></tr>\n')


def html():
    head = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Order {{data.order.id}}</title></head><body>\n'
            '<table role="presentation" width="100%">\n'
            '<tr><td>Hello {{profile.firstName}} {{profile.lastName}},</td></tr>\n'
            '<tr><td>Thank you for your order <strong>{{data.order.id}}</strong> of {{data.order.date}}. We will '
            'send it to {{profile.emailAddress}} as soon as it leaves our warehouse.</td></tr>\n'
            '<tr><td><table>{{#data.order.items}}<tr><td>{{name}}</td><td>{{quantity}}</td><td>{{price}}</td></tr>'
            '{{/data.order.items}}</table></td></tr>\n'
            '<tr><td>Total: <strong>{{data.order.total}} {{data.order.currency}}</strong></td></tr>\n'
            '<tr><td>Shipping to:<br>{{data.shipping.name}}<br>{{data.shipping.street}}<br>{{data.shipping.zip}} '
            '{{data.shipping.city}}</td></tr>\n'
            '<tr><td><a href="{{{data.trackingUrl}}}">Track your parcel with {{data.carrier}}</a></td></tr>\n')
    body = head
    while len(body) < 19 * 1024:
        body += FILLER
    return body + ('<tr><td>Customer number {{profile.customerId}}. Questions? Write to {{data.supportEmail}}. '
                   'Message {{message.id}}. <a href="{{{data.unsubscribeUrl}}}">Preferences</a></td></tr>\n'
                   '</table></body></html>\n')


def campaign():
    return {"key": "bench", "name": "Order confirmation (benchmark)", "profile_table": "contacts",
            "status": "active", "from": "Shop <orders@shop.example>", "subject": "Your order {{data.order.id}}",
            "html": html(), "missing_variables": "lenient"}


ATTACHMENT_MARK = base64.b64encode(b"HeraldMarker")  # 16 characters


def trigger_template():
    data = {"order": {"id": "A-10293", "date": "2026-12-01", "total": "149.50", "currency": "EUR",
                      "items": [{"name": "Rain jacket <XL>", "quantity": 1, "price": "99.00"},
                                {"name": "Wool socks & liners", "quantity": 2, "price": "12.75"},
                                {"name": "Water bottle", "quantity": 1, "price": "25.00"}]},
            "shipping": {"name": "Zoë O'Brien", "street": "Rue de la Loi 16", "zip": "1000", "city": "Bruxelles"},
            "carrier": "bpost", "trackingUrl": "https://track.example.com/?id=A-10293",
            "supportEmail": "help@shop.example", "unsubscribeUrl": "https://shop.example/prefs?u=48213"}
    kilobytes = int(os.environ.get("ATTACHMENT_KB", "100"))  # 0: no attachment
    # It starts with ATTACHMENT_MARK (whole base64 groups), where trigger_load can make each request's
    # attachment different (DISTINCT_ATTACHMENTS=1).
    attachment = base64.b64encode(b"HeraldMarker" + os.urandom(kilobytes * 1024 - 12)).decode() if kilobytes else ""
    body = {"campaign": "bench",
            "to": {"email": "EMAIL", "attributes": {"firstName": "Zoë", "lastName": "O'Brien", "customerId": 48213}},
            "data": data,
            "attachments": [{"filename": "invoice-A-10293.pdf", "content_type": "application/pdf", "content": attachment}]
            if kilobytes else []}
    return json.dumps(body, ensure_ascii=False)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "campaign":
        print(json.dumps(campaign()))
    elif what == "trigger":
        sys.stdout.buffer.write(trigger_template().encode())
    else:
        sys.exit(__doc__)
