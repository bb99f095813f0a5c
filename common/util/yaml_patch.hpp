#pragma once
#include <string>
#include <vector>

namespace dind::util::yaml {

// An RFC 6902 patch for the documents of one kind (kind's
// kubeadmConfigPatchesJSON6902): `ops` is the list of operations as YAML.
struct Json6902 {
  std::string group, version, kind;
  std::string ops;
};

// Patches a multi-document YAML stream the way kind patches kubeadm's
// configuration: each merge patch (RFC 7386, one YAML document with a
// `kind`) goes into the documents of that kind, lists of {name, value}
// merge by name, and a map where the document has such a list (kubeadm
// v1beta3's `extraArgs: {flag: value}`) becomes one; then each RFC 6902
// patch goes into the documents of its kind and group (any version: the
// document's is the one the reader takes). A patch for a kind the stream
// lacks does nothing. Quoted scalars stay quoted ("true" is a string).
// Throws Error naming `what` for a patch that is not valid YAML or whose
// operation cannot apply.
std::string patch_documents(const std::string& stream, const std::vector<std::string>& merge_patches,
                            const std::vector<Json6902>& json_patches, const std::string& what);

// The `kind` of a merge patch document, "" when it has none; throws Error
// naming `what` when it is not one YAML map.
std::string patch_kind(const std::string& patch, const std::string& what);

// Checks an RFC 6902 operation list (ops, paths, values) without applying
// it; throws Error naming `what`.
void check_json6902(const std::string& ops, const std::string& what);

} // namespace dind::util::yaml
