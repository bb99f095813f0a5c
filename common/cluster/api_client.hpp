#pragma once
#include <memory>
#include <string>
#include <string_view>

typedef struct ssl_ctx_st SSL_CTX;

namespace dind::cluster {

// The credentials of a kubeconfig's first cluster and user, PEM.
struct ApiCredentials {
  std::string ca, cert, key;
};
// From a kubeconfig with embedded data (kubeadm's admin.conf); throws Error
// when a field is missing or not base64.
ApiCredentials api_credentials(const std::string& kubeconfig);

// An HTTP/1.0 answer's body when its status is 200 (chunked bodies decoded);
// throws Error with the status line otherwise.
std::string http_body(std::string_view answer);

// GETs from the API server on this host's loopback, with a kubeconfig's
// client certificate: what the wait for a cluster polls. A kubectl in the
// master for each poll cost ~0.25 s of CPU, on a machine busy booting the
// cluster. One connection per call: a poll is a few calls a second.
class ApiClient {
public:
  ApiClient(const ApiCredentials& credentials, int port);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;
  // The body of a 200 answer to GET path; throws Error otherwise (refused,
  // TLS, timeout, another status).
  std::string get(const std::string& path) const;

private:
  SSL_CTX* ctx_ = nullptr;
  int port_;
};

} // namespace dind::cluster
