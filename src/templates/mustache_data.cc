#include "templates/mustache_data.h"

#include <utility>

namespace herald::templates {
namespace {

MustacheData ToMustacheData(const nlohmann::json& value);

// Each member moved into place: kainjow's set() and list constructor copy whole subtrees.
void AddMember(MustacheData& object, const std::string& key, const nlohmann::json& value) {
  object[key] = ToMustacheData(value);
}

MustacheData ToMustacheData(const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::string: {
      const auto& text = value.get_ref<const std::string&>();
      return text.empty() ? MustacheData(false) : MustacheData(text);
    }
    case Type::number_integer:
    case Type::number_unsigned:
    case Type::number_float:
      return MustacheData(value.dump());
    case Type::boolean:
      return value.get<bool>() ? MustacheData(std::string("true")) : MustacheData(false);
    case Type::object: {
      MustacheData object(MustacheData::type::object);
      for (const auto& [key, member] : value.items()) AddMember(object, key, member);
      return object;
    }
    case Type::array: {
      MustacheData list(MustacheData::type::list);
      // kainjow has no moving push_back nor a mutable list accessor; the list is `list`'s own, not const.
      auto& items = const_cast<kainjow::mustache::list&>(list.list_value());
      items.reserve(value.size());
      for (const auto& item : value) items.push_back(ToMustacheData(item));
      return list;
    }
    default:  // null, binary, discarded
      return MustacheData(false);
  }
}

}  // namespace

MustacheData ToMustacheContext(const nlohmann::json& context,
                               const std::set<std::string, std::less<>>& keys) {
  if (!context.is_object()) return ToMustacheData(context);
  MustacheData root(MustacheData::type::object);
  for (const auto& [key, member] : context.items()) {
    if (keys.contains(key)) AddMember(root, key, member);
  }
  return root;
}

const MustacheData* ContextStack::Resolve(std::string_view name) const {
  if (name == ".") return frames_.back();
  size_t dot = name.find('.');
  const std::string first(name.substr(0, dot));
  const MustacheData* found = nullptr;
  for (auto frame = frames_.rbegin(); frame != frames_.rend() && found == nullptr; ++frame) {
    found = (*frame)->get(first);
  }
  while (found != nullptr && dot != std::string_view::npos) {
    name.remove_prefix(dot + 1);
    dot = name.find('.');
    found = found->get(std::string(name.substr(0, dot)));
  }
  return found;
}

}  // namespace herald::templates
