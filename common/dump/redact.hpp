#pragma once
#include <string>
#include <string_view>

namespace dind::dump {

// Makes text fit for a public CI log; every secret becomes "[redacted]":
// - PEM private key blocks ("-----BEGIN ... PRIVATE KEY-----" anywhere in a
//   line, up to the END line), also written on one line with "\n" escapes;
// - the value of any key whose name, in any case, ends in password, passwd,
//   token, secret, apikey, api-key, api_key, key-data (kubeconfig
//   client-key-data), private-key, private_key or credentials, anywhere in a
//   line: `key: v` (YAML, describe's env lines), `KEY=v` and `--key=v`
//   (environment, arguments), `"key": "v"` (JSON);
// - kubeadm bootstrap tokens ([a-z0-9]{6}.[a-z0-9]{16}), wherever they are.
std::string redact(std::string_view text);

} // namespace dind::dump
