#include "cluster/api_client.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("api_credentials: the CA, client certificate and key of a kubeconfig, decoded") {
  std::string conf = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: Q0EtUEVN\n"
                     "    server: https://10.192.0.2:6443\n  name: kubernetes\nusers:\n- name: kubernetes-admin\n  user:\n"
                     "    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ\n";
  auto c = cluster::api_credentials(conf);
  CHECK(c.ca == "CA-PEM");
  CHECK(c.cert == "CERT");
  CHECK(c.key == "KEY");
  std::string no_key = conf.substr(0, conf.find("    client-key-data"));
  CHECK_THROWS_WITH(cluster::api_credentials(no_key), Catch::Contains("no client-key-data"));
  CHECK_THROWS_WITH(cluster::api_credentials("clusters: [\n"), Catch::Contains("kubeconfig:"));
  CHECK_THROWS_AS(cluster::api_credentials(conf.substr(0, conf.find("Q0VSVA==")) + "Q0V*SVA==\n    client-key-data: S0VZ\n"),
                  Error);
}

TEST_CASE("ApiClient: a kubeconfig whose credentials are not PEM is refused in one line") {
  CHECK_THROWS_WITH(cluster::ApiClient({"CA", "CERT", "KEY"}, 6443), Catch::Contains("admin credentials are not usable"));
}

TEST_CASE("http_body: the body of a 200 answer, chunked or not; any other status throws with its line") {
  CHECK(cluster::http_body("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"items\":[]}") == "{\"items\":[]}");
  CHECK(cluster::http_body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"it\r\n8\r\nems\":[]}\r\n0\r\n\r\n") ==
        "{\"items\":[]}");
  CHECK_THROWS_WITH(cluster::http_body("HTTP/1.0 403 Forbidden\r\n\r\n{}"), "API server: HTTP/1.0 403 Forbidden");
  CHECK_THROWS_WITH(cluster::http_body("HTTP/1.0 200 OK\r\nContent-Type: x"), Catch::Contains("no complete answer"));
  CHECK_THROWS_WITH(cluster::http_body("SSH-2.0-OpenSSH\r\n\r\n"), Catch::Contains("not HTTP"));
  CHECK_THROWS_WITH(cluster::http_body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort"), Catch::Contains("cut short"));
}
