// Open and click tracking in a rendered HTML body (DESIGN §1: tracking per campaign): each http(s)
// link of an <a> tag rewritten to Herald's tracking URL for it, and a 1×1 open pixel added.
//
// Only <a href="http…"> links are rewritten: mailto:, tel:, in-page (#…) and other schemes stay, as do
// links whose tag carries data-herald-notrack. The href's character references (&amp;) are decoded
// before the URL is handed over, so the redirect goes exactly where the author meant.
//
// Thread-safety: pure functions. Untrusted input: the HTML (rendered from templates and data); the
// scanner never reads past the input and copies everything it does not understand as it is.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace herald::tracking {

std::string RewriteLinks(std::string_view html, const std::function<std::string(std::string_view url)>& rewrite);

// `html` with <img src="pixel_url" width="1" height="1" alt=""> just before </body> (any case), or at
// the end when there is none.
std::string AddOpenPixel(std::string_view html, std::string_view pixel_url);

}  // namespace herald::tracking
