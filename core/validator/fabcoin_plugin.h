// FabcoinPlugin: the custom VSCC of the paper's Fabcoin (§5.1), registered
// as "fabcoin" (validation_plugin.h). Request formats and signing bytes:
// fabcoin_plugin_request.h; the chaincode: chaincode/fabcoin.
//
// A transaction is VALID when the chaincode's endorsement policy is
// satisfied (as "vscc") and, by args[0]:
//   INIT   "central_bank" is absent from the committed state, the argument
//          is a valid central bank, and the write set is exactly that one
//          write of it (canonical JSON).
//   MINT   the committed "central_bank" exists; at least `threshold`
//          distinct CB keys signed MintSigningBytes(tx id, outputs); the
//          write set is exactly output j at "<txid>.<j>" (the coin's
//          canonical JSON), nothing deleted.
//   SPEND  every input was read by the chaincode (read set, with a
//          version); signature i verifies with the owner of input i over
//          SpendSigningBytes(tx id, inputs, outputs); sum of the input
//          amounts == sum of the outputs; every input and output has the
//          same label; the write set is exactly: each input deleted, output
//          j written at "<txid>.<j>".
//          Input coins are read from the committed state before the block.
//          An input whose committed version differs from the read version
//          (spent meanwhile, or gone) is left to the MVCC check, which is
//          then certain to give MVCC_READ_CONFLICT: double spends are MVCC's,
//          as in the paper.
// Any other function, or an argument that does not parse: rejected. Every
// rejection is ENDORSEMENT_POLICY_FAILURE (as Fabric codes any validation
// plugin error) with an explanation naming the rule broken.
//
// Deterministic and thread-safe (no mutable state).
#pragma once

#include "core/validator/validation_plugin.h"

namespace loom::validator {

inline constexpr char kFabcoinPluginName[] = "fabcoin";

class FabcoinPlugin : public ValidationPlugin {
 public:
  Result<PluginVerdict> Validate(const PluginTransaction& tx, const PluginChannel& channel) const override;
};

}  // namespace loom::validator
