#include "cluster/api_client.hpp"

#include "docker/tls.hpp"
#include "dump/base64.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace dind::cluster {

namespace {

std::string decoded(const YAML::Node& value, const char* what) {
  if (!value || !value.IsScalar()) throw Error(std::string("kubeconfig: no ") + what);
  std::string out;
  dump::Base64Decoder d([&](std::string_view s) { out.append(s); });
  d.write(value.as<std::string>());
  d.finish();
  return out;
}

std::string openssl_error() { return docker::openssl_error("connection closed"); }

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
Bio memory(const std::string& pem) { return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free); }

std::string dechunk(std::string_view body) {
  std::string out;
  size_t at = 0;
  for (;;) {
    size_t eol = body.find("\r\n", at);
    if (eol == std::string_view::npos) throw Error("API server: a chunked answer cut short");
    size_t n = std::stoul(std::string(body.substr(at, eol - at)), nullptr, 16);
    if (n == 0) return out;
    if (eol + 2 + n > body.size()) throw Error("API server: a chunked answer cut short");
    out.append(body.substr(eol + 2, n));
    at = eol + 2 + n + 2;
  }
}

constexpr int connect_seconds = 2, answer_seconds = 10;

} // namespace

ApiCredentials api_credentials(const std::string& kubeconfig) {
  try {
    auto c = YAML::Load(kubeconfig);
    auto cluster = c["clusters"][0]["cluster"];
    auto user = c["users"][0]["user"];
    return {decoded(cluster["certificate-authority-data"], "certificate-authority-data"),
            decoded(user["client-certificate-data"], "client-certificate-data"),
            decoded(user["client-key-data"], "client-key-data")};
  } catch (const YAML::Exception& e) {
    throw Error(std::string("kubeconfig: ") + e.what());
  }
}

std::string http_body(std::string_view answer) {
  size_t head_end = answer.find("\r\n\r\n");
  if (head_end == std::string_view::npos) throw Error("API server: no complete answer");
  std::string head(answer.substr(0, head_end));
  std::string status = head.substr(0, head.find("\r\n"));
  auto parts = util::split(status, ' ');
  if (parts.size() < 2 || !util::starts_with(parts[0], "HTTP/")) throw Error("API server: not HTTP: " + status.substr(0, 80));
  if (parts[1] != "200") throw Error("API server: " + status);
  auto body = answer.substr(head_end + 4);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("\r\ntransfer-encoding: chunked") != std::string::npos) return dechunk(body);
  return std::string(body);
}

ApiClient::ApiClient(const ApiCredentials& creds, int port) : port_(port) {
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (!ctx_) throw Error("TLS: " + openssl_error());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  auto ca = memory(creds.ca);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx_);
  int cas = 0;
  while (X509* x = PEM_read_bio_X509(ca.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, x);
    X509_free(x);
    ++cas;
  }
  ERR_clear_error();  // the end of the PEM bundle
  auto cert_bio = memory(creds.cert);
  auto key_bio = memory(creds.key);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), X509_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr),
                                                          EVP_PKEY_free);
  if (cas == 0 || !cert || !key || SSL_CTX_use_certificate(ctx_, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx_, key.get()) != 1 || SSL_CTX_check_private_key(ctx_) != 1) {
    std::string why = openssl_error();
    SSL_CTX_free(ctx_);
    throw Error("the cluster's admin credentials are not usable: " + why);
  }
}

ApiClient::~ApiClient() { SSL_CTX_free(ctx_); }

std::string ApiClient::get(const std::string& path) const {
  std::string where = "API server at 127.0.0.1:" + std::to_string(port_) + ": ";
  Poco::Net::StreamSocket tcp;
  try {
    tcp.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port_)), Poco::Timespan(connect_seconds, 0));
  } catch (const Poco::Exception& e) {
    throw Error(where + e.displayText());
  }
  tcp.setBlocking(true);
  tcp.setReceiveTimeout(Poco::Timespan(answer_seconds, 0));
  tcp.setSendTimeout(Poco::Timespan(answer_seconds, 0));
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx_), SSL_free);
  // the certificate names 127.0.0.1 (kubeadm's certSANs): checked as kubectl does
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), "127.0.0.1");
  SSL_set_fd(ssl.get(), tcp.impl()->sockfd());
  if (SSL_connect(ssl.get()) != 1) {
    long v = SSL_get_verify_result(ssl.get());
    throw Error(where + (v != X509_V_OK ? std::string("certificate: ") + X509_verify_cert_error_string(v) : openssl_error()));
  }
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nUser-Agent: kubectl-dind\r\n\r\n";
  if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) <= 0) throw Error(where + openssl_error());
  std::string answer;
  char buf[16384];
  for (;;) {
    int n = SSL_read(ssl.get(), buf, sizeof buf);
    if (n > 0) {
      answer.append(buf, static_cast<size_t>(n));
      continue;
    }
    int e = SSL_get_error(ssl.get(), n);
    // HTTP/1.0: the server closes once it has answered (some close without close_notify)
    if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && !answer.empty())) break;
    throw Error(where + (e == SSL_ERROR_SYSCALL ? "no answer" : openssl_error()));
  }
  return http_body(answer);
}

} // namespace dind::cluster
