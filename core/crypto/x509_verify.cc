// VerifyChain: path validation with OpenSSL's X509_STORE.
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "core/crypto/openssl_util.h"
#include "core/crypto/x509.h"

namespace loom::crypto {

using internal::TakeOpenSslErrors;

Result<std::vector<Certificate>> VerifyChain(const Certificate& leaf, std::span<const Certificate> roots,
                                             std::span<const Certificate> intermediates,
                                             Clock::time_point at) {
  if (!leaf.valid()) return Status::InvalidArgument("VerifyChain: the certificate to verify is empty");
  if (roots.empty()) {
    return Status::PermissionDenied("certificate " + leaf.SubjectString() +
                                    " cannot be verified: no trusted root certificates were given");
  }
  // A store per call: stores are cheap next to the signature checks, and
  // nothing is shared between threads.
  internal::X509StorePtr store(X509_STORE_new());
  internal::X509StackPtr untrusted(sk_X509_new_null());
  internal::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (store == nullptr || untrusted == nullptr || ctx == nullptr) {
    return Status::Internal("VerifyChain: " + TakeOpenSslErrors());
  }
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].valid())
      return Status::InvalidArgument("VerifyChain: roots[" + std::to_string(i) + "] is empty");
    if (!X509_STORE_add_cert(store.get(), roots[i].x509())) {
      return Status::Internal("VerifyChain: adding a root: " + TakeOpenSslErrors());
    }
  }
  for (size_t i = 0; i < intermediates.size(); ++i) {
    if (!intermediates[i].valid()) {
      return Status::InvalidArgument("VerifyChain: intermediates[" + std::to_string(i) + "] is empty");
    }
    if (!X509_add_cert(untrusted.get(), intermediates[i].x509(), X509_ADD_FLAG_UP_REF)) {
      return Status::Internal("VerifyChain: adding an intermediate: " + TakeOpenSslErrors());
    }
  }
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), leaf.x509(), untrusted.get())) {
    return Status::Internal("VerifyChain: " + TakeOpenSslErrors());
  }
  // An explicit time: the check is reproducible and never reads the clock.
  X509_STORE_CTX_set_time(ctx.get(), 0, Clock::to_time_t(at));

  int verified = X509_verify_cert(ctx.get());
  if (verified != 1) {
    int error = X509_STORE_CTX_get_error(ctx.get());
    int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    Certificate failing = Certificate::FromX509(X509_STORE_CTX_get_current_cert(ctx.get()));
    if (!failing.valid()) failing = leaf;
    ERR_clear_error();
    return Status::PermissionDenied("certificate chain of " + leaf.SubjectString() + " does not verify: " +
                                    X509_verify_cert_error_string(error) + " (certificate " +
                                    failing.SubjectString() + ", depth " + std::to_string(depth) + ")");
  }
  std::vector<Certificate> chain;
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(built); ++i)
    chain.push_back(Certificate::FromX509(sk_X509_value(built, i)));
  return chain;
}

}  // namespace loom::crypto
