#include "core/crypto/ecdsa.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/crypto/hash.h"
#include "tests/unit/crypto/test_support.h"

namespace loom::crypto {
namespace {

using testing::FlipS;

PrivateKey NewKey() {
  Result<PrivateKey> key = PrivateKey::Generate();
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::move(key).value();
}

// PEM of `pkey` in OpenSSL's encoder `structure` ("type-specific" = SEC1 for EC).
std::string EncodePem(EVP_PKEY* pkey, const char* structure, int selection = EVP_PKEY_KEYPAIR) {
  OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, "PEM", structure, nullptr);
  unsigned char* data = nullptr;
  size_t length = 0;
  bool ok = ctx != nullptr && OSSL_ENCODER_to_data(ctx, &data, &length) == 1;
  OSSL_ENCODER_CTX_free(ctx);
  if (!ok) return {};
  std::string pem(reinterpret_cast<char*>(data), length);
  OPENSSL_free(data);
  return pem;
}

TEST(EcdsaTest, SignThenVerify) {
  PrivateKey key = NewKey();
  Result<std::string> signature = key.Sign("hello fabric");
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_TRUE(key.public_key().Verify("hello fabric", *signature).ok());
  EXPECT_TRUE(key.public_key().VerifyDigest(Sha256("hello fabric"), *signature).ok());
}

TEST(EcdsaTest, SignDigestMatchesSignOfMessage) {
  PrivateKey key = NewKey();
  Result<std::string> signature = key.SignDigest(Sha256("payload"));
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(key.public_key().Verify("payload", *signature).ok());
}

TEST(EcdsaTest, TamperedMessageIsRejected) {
  PrivateKey key = NewKey();
  std::string signature = key.Sign("pay alice 10").value();
  Status status = key.public_key().Verify("pay alice 99", signature);
  EXPECT_TRUE(status.IsPermissionDenied()) << status.ToString();
}

TEST(EcdsaTest, TamperedSignatureIsRejected) {
  PrivateKey key = NewKey();
  std::string signature = key.Sign("message").value();
  // The last byte belongs to S; changing it keeps the DER well formed and S low.
  signature.back() = static_cast<char>(signature.back() ^ 0x01);
  Status status = key.public_key().Verify("message", signature);
  EXPECT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_NE(status.message().find("does not verify"), std::string::npos) << status.message();
}

TEST(EcdsaTest, OtherKeyIsRejected) {
  PrivateKey signer = NewKey();
  PrivateKey other = NewKey();
  std::string signature = signer.Sign("message").value();
  EXPECT_TRUE(other.public_key().Verify("message", signature).IsPermissionDenied());
}

TEST(EcdsaTest, SignaturesAreAlwaysLowS) {
  PrivateKey key = NewKey();
  // Raw ECDSA yields a high S half of the time; 200 draws miss one with
  // probability 2^-200 if normalisation were broken.
  for (int i = 0; i < 200; ++i) {
    std::string signature = key.Sign("message " + std::to_string(i)).value();
    Result<bool> low = IsLowS(signature);
    ASSERT_TRUE(low.ok()) << low.status().ToString();
    ASSERT_TRUE(*low) << "signature " << i << " is high-S: " << HexEncode(signature);
    ASSERT_TRUE(key.public_key().Verify("message " + std::to_string(i), signature).ok());
  }
}

TEST(EcdsaTest, HighSIsRejectedAndToLowSRepairsIt) {
  PrivateKey key = NewKey();
  std::string low = key.Sign("message").value();
  std::string high = FlipS(low);
  ASSERT_NE(high, low);

  EXPECT_FALSE(IsLowS(high).value());
  Status status = key.public_key().Verify("message", high);
  EXPECT_TRUE(status.IsPermissionDenied()) << status.ToString();
  EXPECT_NE(status.message().find("high-S"), std::string::npos) << status.message();

  Result<std::string> repaired = ToLowS(high);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_EQ(*repaired, low);
  EXPECT_TRUE(key.public_key().Verify("message", *repaired).ok());
  // A low-S signature passes through unchanged.
  EXPECT_EQ(ToLowS(low).value(), low);
}

TEST(EcdsaTest, MalformedSignaturesAreInvalidArgument) {
  PrivateKey key = NewKey();
  std::string good = key.Sign("message").value();
  std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"garbage", "not a signature"},
      {"trailing byte", good + std::string(1, '\0')},
      {"truncated", good.substr(0, good.size() - 1)},
      // SEQUENCE with a long-form length where short form is required.
      {"non-minimal length", std::string("\x30\x81", 2) + good.substr(1)},
      {"zero r", std::string("\x30\x06\x02\x01\x00\x02\x01\x01", 8)},
      {"negative s", std::string("\x30\x06\x02\x01\x01\x02\x01\xff", 8)},
  };
  for (const auto& [name, signature] : cases) {
    Status status = key.public_key().Verify("message", signature);
    EXPECT_TRUE(status.IsInvalidArgument()) << name << ": " << status.ToString();
    EXPECT_FALSE(IsLowS(signature).ok()) << name;
    EXPECT_FALSE(ToLowS(signature).ok()) << name;
  }
}

TEST(EcdsaTest, DigestMustBeThirtyTwoBytes) {
  PrivateKey key = NewKey();
  EXPECT_TRUE(key.SignDigest("short").status().IsInvalidArgument());
  std::string signature = key.Sign("m").value();
  EXPECT_TRUE(key.public_key().VerifyDigest(std::string(33, 'x'), signature).IsInvalidArgument());
}

TEST(EcdsaTest, EmptyKeysFailCleanly) {
  PrivateKey key;
  EXPECT_FALSE(key.valid());
  EXPECT_FALSE(key.Sign("m").ok());
  EXPECT_EQ(key.ToPem(), "");
  PublicKey public_key;
  EXPECT_FALSE(public_key.Verify("m", "sig").ok());
  EXPECT_EQ(public_key.RawPoint(), "");
}

TEST(EcdsaTest, PrivateKeyPemRoundTripIsPkcs8) {
  PrivateKey key = NewKey();
  std::string pem = key.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << pem;
  Result<PrivateKey> loaded = PrivateKey::FromPem(pem);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->public_key() == key.public_key());
  EXPECT_EQ(loaded->ToPem(), pem);
  // The reloaded key signs for the original public key.
  EXPECT_TRUE(key.public_key().Verify("m", loaded->Sign("m").value()).ok());
}

TEST(EcdsaTest, LoadsSec1EcPrivateKey) {
  PrivateKey key = NewKey();
  std::string sec1 = EncodePem(key.evp(), "type-specific");
  ASSERT_EQ(sec1.rfind("-----BEGIN EC PRIVATE KEY-----", 0), 0u) << sec1;
  Result<PrivateKey> loaded = PrivateKey::FromPem(sec1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->public_key() == key.public_key());
  EXPECT_EQ(loaded->ToPem().rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
}

TEST(EcdsaTest, RejectsP384KeyNamingTheCurve) {
  EVP_PKEY* p384 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  ASSERT_NE(p384, nullptr);
  std::string private_pem = EncodePem(p384, "PrivateKeyInfo");
  std::string public_pem = EncodePem(p384, "SubjectPublicKeyInfo", EVP_PKEY_PUBLIC_KEY);
  Result<PublicKey> from_evp = PublicKey::FromEvp(p384);
  EVP_PKEY_free(p384);

  Result<PrivateKey> key = PrivateKey::FromPem(private_pem);
  ASSERT_FALSE(key.ok());
  EXPECT_TRUE(key.status().IsInvalidArgument());
  EXPECT_NE(key.status().message().find("secp384r1"), std::string::npos) << key.status().message();
  EXPECT_NE(key.status().message().find("P-256"), std::string::npos) << key.status().message();

  Result<PublicKey> public_key = PublicKey::FromPem(public_pem);
  ASSERT_FALSE(public_key.ok());
  EXPECT_NE(public_key.status().message().find("secp384r1"), std::string::npos);
  EXPECT_FALSE(from_evp.ok());
}

TEST(EcdsaTest, RejectsNonEcKey) {
  EVP_PKEY* ed25519 = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  ASSERT_NE(ed25519, nullptr);
  std::string pem = EncodePem(ed25519, "PrivateKeyInfo");
  EVP_PKEY_free(ed25519);
  Result<PrivateKey> key = PrivateKey::FromPem(pem);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("ED25519"), std::string::npos) << key.status().message();
}

TEST(EcdsaTest, RejectsGarbageAndEncryptedPem) {
  Result<PrivateKey> garbage = PrivateKey::FromPem("hello");
  ASSERT_FALSE(garbage.ok());
  EXPECT_TRUE(garbage.status().IsInvalidArgument());
  EXPECT_NE(garbage.status().message().find("BEGIN PRIVATE KEY"), std::string::npos);

  std::string damaged = NewKey().ToPem();
  damaged[40] = damaged[40] == 'A' ? 'B' : 'A';
  damaged.insert(45, "!!!");
  EXPECT_TRUE(PrivateKey::FromPem(damaged).status().IsInvalidArgument());

  PrivateKey key = NewKey();
  BIO* bio = BIO_new(BIO_s_mem());
  char passphrase[] = "secret";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio, key.evp(), EVP_aes_256_cbc(), passphrase, 6, nullptr, nullptr),
            1);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string encrypted(data, static_cast<size_t>(length));
  BIO_free(bio);
  Result<PrivateKey> loaded = PrivateKey::FromPem(encrypted);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("encrypted"), std::string::npos) << loaded.status().message();
}

TEST(EcdsaTest, PublicKeyPemAndDerRoundTrip) {
  PublicKey key = NewKey().public_key();
  std::string pem = key.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  Result<PublicKey> from_pem = PublicKey::FromPem(pem);
  ASSERT_TRUE(from_pem.ok()) << from_pem.status().ToString();
  EXPECT_TRUE(*from_pem == key);
  Result<PublicKey> from_der = PublicKey::FromDer(key.ToDer());
  ASSERT_TRUE(from_der.ok()) << from_der.status().ToString();
  EXPECT_TRUE(*from_der == key);
  EXPECT_FALSE(*from_der == NewKey().public_key());
  EXPECT_TRUE(PublicKey::FromDer(key.ToDer() + "x").status().IsInvalidArgument());
  EXPECT_TRUE(PublicKey::FromPem("garbage").status().IsInvalidArgument());
}

TEST(EcdsaTest, RawPointAndSki) {
  PublicKey key = NewKey().public_key();
  std::string point = key.RawPoint();
  ASSERT_EQ(point.size(), 65u);
  EXPECT_EQ(point[0], '\x04');
  // The SubjectPublicKeyInfo of a P-256 key ends with the uncompressed point.
  std::string der = key.ToDer();
  EXPECT_EQ(der.substr(der.size() - 65), point);
  EXPECT_EQ(key.Ski(), Sha256(point));
  EXPECT_EQ(key.Ski().size(), 32u);
}

TEST(EcdsaTest, PrivateKeyPublicHalfHasNoPrivateScalar) {
  PrivateKey key = NewKey();
  BIGNUM* scalar = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key.public_key().evp(), "priv", &scalar), 0);
  BN_free(scalar);
}

TEST(EcdsaTest, SharedKeysAcrossThreads) {
  PrivateKey key = NewKey();
  PublicKey public_key = key.public_key();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string message = "thread " + std::to_string(t) + " message " + std::to_string(i);
        Result<std::string> signature = key.Sign(message);
        if (!signature.ok() || !public_key.Verify(message, *signature).ok()) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : failures) EXPECT_EQ(count, 0);
}

}  // namespace
}  // namespace loom::crypto
