#include "dump/redact.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

// The secret is gone and the line around it is kept.
void gone(const std::string& in, const std::string& secret, const std::string& kept) {
  INFO(in);
  std::string out = dump::redact(in);
  INFO(out);
  CHECK(out.find(secret) == std::string::npos);
  CHECK(out.find("[redacted]") != std::string::npos);
  CHECK(out.find(kept) != std::string::npos);
}

} // namespace

TEST_CASE("redaction: PEM private key blocks, wherever the BEGIN line starts") {
  gone("ok line\n-----BEGIN RSA PRIVATE KEY-----\nMIIEsecret\nmore\n-----END RSA PRIVATE KEY-----\nafter\n", "MIIEsecret", "after");
  gone("Nov 27 kubelet[12]: -----BEGIN PRIVATE KEY-----\nNov 27 kubelet[12]: MIIEsecret\nNov 27 kubelet[12]: -----END PRIVATE KEY-----\n",
       "MIIEsecret", "-----END PRIVATE KEY-----");
  gone("    -----BEGIN EC PRIVATE KEY-----\n    MHcsecret\n    -----END EC PRIVATE KEY-----\n", "MHcsecret", "BEGIN EC PRIVATE KEY");
  std::string cert = "-----BEGIN CERTIFICATE-----\nMIIpublic\n-----END CERTIFICATE-----\n";
  CHECK(dump::redact(cert) == cert);
}

TEST_CASE("redaction: a PEM on one line with \\n escapes") {
  gone(R"({"tls.key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecret\nabc\n-----END RSA PRIVATE KEY-----\n", "x": 1})", "MIIEsecret", R"("x": 1)");
  gone(R"(key: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1secret)", "b3BlbnNzaC1secret", "key: -----BEGIN");
}

TEST_CASE("redaction: secret keys anywhere in a line, in any case, in every syntax") {
  gone("    client-key-data: c2VjcmV0\n", "c2VjcmV0", "client-key-data:");
  gone("    token: eyJhbGciOiJSUzI1NiJ9.secret\n", "eyJhbGci", "token:");
  gone("Nov 27 12:00:01 node kubelet[99]: token: abc123secret\n", "abc123secret", "kubelet[99]");
  gone(R"({"apiVersion": "v1", "token": "abc123secret", "kind": "Config"})", "abc123secret", R"("kind": "Config")");
  gone("      DB_PASSWORD:  hunter2secret\n", "hunter2secret", "DB_PASSWORD:");
  gone("PASSWORD=hunter2secret HOME=/root\n", "hunter2secret", "HOME=/root");
  gone("  Password: hunter2secret\n", "hunter2secret", "Password:");
  gone("/usr/bin/tool --token=abc123secret --v=2\n", "abc123secret", "--v=2");
  gone("/usr/bin/tool --password=hunter2secret --user=admin\n", "hunter2secret", "--user=admin");
  gone("GITHUB_API_KEY='abc123secret'\n", "abc123secret", "GITHUB_API_KEY=");
  gone("aws_secret: abc123secret\n", "abc123secret", "aws_secret");
  gone("    private-key: abc123secret\n", "abc123secret", "private-key");
}

TEST_CASE("redaction: kubeadm bootstrap tokens wherever they are") {
  gone("kubeadm join 10.192.0.2:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:00ff\n",
       "abcdef.0123456789abcdef", "--discovery-token-ca-cert-hash sha256:00ff");
  gone("bootstrap-token-abcdef: 9a8b7c.0123456789abcdef\n", "0123456789abcdef", "bootstrap-token-abcdef");
}

TEST_CASE("redaction keeps what is not a secret") {
  std::string plain = "NAME READY STATUS\nkube-apiserver 1/1 Running\nsecretName: my-secret\ntime=10:00:01 level=info\n"
                      "image: registry.k8s.io/pause:3.10\nserver: https://10.192.0.2:6443\nnode.kubernetes.io/not-ready\n"
                      "tokens.example.kubernetes123\nsha256:0123456789abcdef0123456789abcdef\nno newline at the end";
  CHECK(dump::redact(plain) == plain);
  CHECK(dump::redact(plain + "\n") == plain + "\n");
  CHECK(dump::redact("") == "");
  CHECK(dump::redact("\n\n") == "\n\n");
}

TEST_CASE("redaction: env entries whose name is a secret's, JSON over lines, compact JSON and YAML") {
  std::string pretty = "        \"env\": [\n            {\n                \"name\": \"DB_PASSWORD\",\n"
                       "                \"value\": \"pw-123\"\n            },\n            {\n"
                       "                \"name\": \"MODE\",\n                \"value\": \"fast\"\n            }\n";
  std::string out = dump::redact(pretty);
  CHECK(out.find("pw-123") == std::string::npos);
  CHECK(out.find("\"value\": \"fast\"") != std::string::npos);
  CHECK(dump::redact(R"({"name":"API_TOKEN","value":"t0k"},{"name":"X","value":"keep"})").find("t0k") == std::string::npos);
  std::string yaml = "    env:\n    - name: db_password\n      value: pw-456\n    - name: mode\n      value: fast\n";
  std::string y = dump::redact(yaml);
  CHECK(y.find("pw-456") == std::string::npos);
  CHECK(y.find("value: fast") != std::string::npos);
}

TEST_CASE("redaction: JSON kept inside a JSON string (last-applied-configuration)") {
  std::string line = R"(    "kubectl.kubernetes.io/last-applied-configuration": "{\"spec\":{\"containers\":[{\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"pw-789\"}],\"name\":\"leak\"}]},\"api_token\":\"tok-1\"}")";
  std::string out = dump::redact(line);
  CHECK(out.find("pw-789") == std::string::npos);
  CHECK(out.find("tok-1") == std::string::npos);
  CHECK(out.find("\\\"name\\\":\\\"leak\\\"") != std::string::npos);
}

TEST_CASE("redaction: a secret env entry after other names on the same line") {
  std::string line = R"("{\"metadata\":{\"name\":\"planted\"},\"spec\":{\"containers\":[{\"env\":[{\"name\":\"MODE\",\"value\":\"fast\"},{\"name\":\"DB_PASSWORD\",\"value\":\"pw-42\"}]}]}}")";
  std::string out = dump::redact(line);
  CHECK(out.find("pw-42") == std::string::npos);
  CHECK(out.find("fast") != std::string::npos);
}
