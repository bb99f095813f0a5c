#include "e2e/cluster.hpp"

#include "cluster/engines.hpp"
#include "cluster/kubeconfig.hpp"
#include "cluster/load.hpp"
#include "e2e/images.hpp"
#include "image/build.hpp"
#include "image/versions.hpp"

namespace dind::e2e {

std::string build_e2e_test(util::Steps& steps) {
  return image::go_component(steps, "e2e", "e2e.test and ginkgo (go test -c)") + "/e2e.test";
}

Built build_all(docker::Client& docker, util::Steps& steps) {
  Built built;
  built.e2e_test = build_e2e_test(steps);
  TestImageInputs in{built.e2e_test,
                     image::go_component(steps, "agnhost", "agnhost, nnp, sample-apiserver (go build)"),
                     image::go_component(steps, "coredns", "CoreDNS (go build)") + "/coredns",
                     image::go_component(steps, "etcd", "etcd (go build)") + "/etcd",
                     image::script_component(steps, "busybox", image::images_dir() + "/busybox/build.sh", {},
                                             {image::images_dir() + "/deb-source.sh"},
                                             "busybox with FEATURE_DI_ENV_HACK (Debian source)") + "/busybox"};
  built.images = build_test_images(docker, steps, in);
  return built;
}

void prepare_dind_run(util::Steps& steps, const cluster::Config& config, RunOptions& options, bool out_dir_given) {
  auto plan = config.layout();
  // the seed's E2E_REPORT_DIR, where the caller named no directory
  if (!out_dir_given && !config.get("E2E_REPORT_DIR").empty()) options.out_dir = config.get("E2E_REPORT_DIR");
  // the test images are built in the (first) engine the nodes run on, and go from there into every node
  cluster::Engines engines(config);
  auto built = build_all(engines.first(), steps);
  options.e2e_test = built.e2e_test;
  cluster::load_into_nodes(engines.provider(), steps, plan, cluster::LoadOptions{built.images, {}, {}});
  options.kubeconfig = cluster::host_kubeconfig();
  options.context = plan.context;
  options.kubectl = cluster::kubectl_dir() + "/kubectl";
}

} // namespace dind::e2e
