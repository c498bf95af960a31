// The spelling rules for names in a scenario, usable on their own (the GUI
// designer checks a name as it is typed). Each returns "" when the name is
// fine, otherwise a sentence saying what is wrong.
#pragma once

#include <string>
#include <string_view>

namespace loom::config {

// [a-z0-9][a-z0-9-]*, at most 63 characters (a folder name and a label).
std::string CheckNetworkName(std::string_view name);
// Org names: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters.
std::string CheckOrgName(std::string_view name);
// MSP IDs: [A-Za-z0-9][A-Za-z0-9.-]*, at most 64 characters, so that they can
// appear in signature policies ('Org1MSP.peer').
std::string CheckMspId(std::string_view mspid);
// One DNS label, lower case: [a-z0-9]([a-z0-9-]*[a-z0-9])?, at most 63.
std::string CheckDnsLabel(std::string_view label);
// Lower-case DNS name of dot-separated labels, at most 253 characters.
std::string CheckDnsName(std::string_view name);
// User names: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters.
std::string CheckUserName(std::string_view name);
// Fabric's channel names: ^[a-z][a-z0-9.-]*$, fewer than 250 characters.
std::string CheckChannelName(std::string_view name);
// Fabric's chaincode names: ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$.
std::string CheckChaincodeName(std::string_view name);
// Fabric's chaincode versions: ^[A-Za-z0-9_.+-]+$.
std::string CheckChaincodeVersion(std::string_view version);
// Plugin names: [A-Za-z0-9_.-]+.
std::string CheckPluginName(std::string_view name);
// "host:port", host a DNS name or IPv4 address, port 1-65535.
std::string CheckHostPort(std::string_view address);
// Free text: valid UTF-8 without control characters; newlines and tabs only
// when `multi_line`.
std::string CheckText(std::string_view text, bool multi_line);

}  // namespace loom::config
