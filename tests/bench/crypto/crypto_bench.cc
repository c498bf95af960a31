// Loom's crypto primitives; scripts/bench.sh prints `openssl speed` for the
// same operations beside these figures.
#include <benchmark/benchmark.h>

#include "core/crypto/ecdsa.h"
#include "core/crypto/hash.h"
#include "core/crypto/x509.h"

namespace loom::crypto {
namespace {

void BM_Sha256(benchmark::State& state) {
  const std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(Sha256(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(1024)->Arg(64 * 1024);

void BM_EcdsaSign(benchmark::State& state) {
  PrivateKey key = PrivateKey::Generate().value();
  const std::string message(256, 'm');
  for (auto _ : state) benchmark::DoNotOptimize(key.Sign(message));
}
BENCHMARK(BM_EcdsaSign);

void BM_EcdsaVerify(benchmark::State& state) {
  PrivateKey key = PrivateKey::Generate().value();
  PublicKey public_key = key.public_key();
  const std::string message(256, 'm');
  const std::string signature = key.Sign(message).value();
  for (auto _ : state) {
    Status status = public_key.Verify(message, signature);
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
  }
}
BENCHMARK(BM_EcdsaVerify);

void BM_CertificateParsePem(benchmark::State& state) {
  PrivateKey key = PrivateKey::Generate().value();
  CertificateTemplate tmpl;
  tmpl.subject.common_name = "peer0.org1.example.com";
  tmpl.subject.organization = "org1.example.com";
  tmpl.subject.organizational_units = {"peer"};
  tmpl.use = CertificateUse::kCa;
  const std::string pem = CertificateAuthority::CreateRoot(tmpl, key).value().certificate().ToPem();
  for (auto _ : state) benchmark::DoNotOptimize(Certificate::FromPem(pem));
}
BENCHMARK(BM_CertificateParsePem);

}  // namespace
}  // namespace loom::crypto
