// Ordering a domain's MX hosts for delivery (RFC 5321 §5.1): lowest preference first, hosts of
// equal preference in random order so that senders spread their load over them.
//
// The randomness is a parameter (any uniform random bit generator), so tests can make it
// deterministic; in production seed a std::mt19937_64 from herald::RandomBytes.
//
// Thread-safety: pure functions; `random` is used by the calling thread only.
#pragma once

#include <algorithm>
#include <random>
#include <vector>

#include "dns/answer.h"

namespace herald::dns {

// `records` sorted by preference (stable for equal ones) with each host listed once, at its lowest
// preference (names compared with EqualNames).
std::vector<MxRecord> SortByPreference(std::vector<MxRecord> records);

// SortByPreference, then each run of equal preference shuffled with `random`.
template <std::uniform_random_bit_generator Random>
std::vector<MxRecord> OrderByPreference(std::vector<MxRecord> records, Random& random) {
  records = SortByPreference(std::move(records));
  auto begin = records.begin();
  while (begin != records.end()) {
    auto end = std::find_if(begin, records.end(),
                            [&](const MxRecord& r) { return r.preference != begin->preference; });
    std::shuffle(begin, end, random);
    begin = end;
  }
  return records;
}

}  // namespace herald::dns
