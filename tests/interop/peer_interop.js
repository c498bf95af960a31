#!/usr/bin/env node
// Interop: Fabric's own SDK and chaincode against Loom's peers.
//
//   node peer_interop.js LOOM_ORDERER LOOM_PEER LOOMCTL ASSETS_CHAINCODE SCENARIO
//
// Crypto and the genesis block come from `loomctl`; a solo loom-orderer and
// two loom-peers (Org1, Org2) run as child processes. Everything a client
// does goes through fabric-network@2.2.20 (discovery disabled, a connection
// profile and an in-memory wallet holding User1@org1's identity):
//   - the chaincode definitions are committed by submitting Fabric's own
//     `_lifecycle` CommitChaincodeDefinition (fabric-protos arguments) —
//     endorsed by both orgs' peers as the LifecycleEndorsement policy wants;
//   - `assets` (Loom's C++ asset-transfer-basic, a native chaincode) is used
//     the way fabric-samples' application uses it: InitLedger, CreateAsset,
//     ReadAsset, TransferAsset (returns the old owner), GetAllAssets, and a
//     business error surfaces as the SDK's error;
//   - `notes`, a Node chaincode written with fabric-contract-api and run by
//     fabric-shim@2.5.8 unchanged (the peer starts it with `npm start`), is
//     invoked and queried the same way.
// Every wait has a deadline; the processes are killed at the end whatever
// happens. Prints `N passed, M failed` and exits non-zero on any failure.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const { Gateway, Wallets } = require('fabric-network');
const fabric = require('fabric-protos');

const {
  check, anyFailed, finish, withDeadline, makeCryptoAndGenesis, writeOrdererConfig, startNode, stopNode,
} = require('./interop_util');

const CHANNEL = 'mychannel';
const OVERALL_DEADLINE_MS = 150000;
const START_DEADLINE_MS = 20000;

function peerConfig(workDir, cryptoDir, org, ordererAddress, chaincodes) {
  const domain = `${org.toLowerCase()}.example.com`;
  const file = path.join(workDir, `peer0.${domain}.yaml`);
  fs.writeFileSync(file, [
    `name: peer0.${domain}`,
    'listen_address: 127.0.0.1:0',
    'chaincode_address: 127.0.0.1:0',
    'msp:',
    `  dir: ${path.join(cryptoDir, domain, 'peers', `peer0.${domain}`, 'msp')}`,
    `  id: ${org}MSP`,
    `data_dir: ${path.join(workDir, `peer0.${domain}-data`)}`,
    `orderers: [${ordererAddress}]`,
    'chaincodes:',
    ...chaincodes.map((c) => `  - {name: ${c.name}, type: ${c.type}, path: ${c.path}}`),
    '',
  ].join('\n'));
  return file;
}

// Fabric's common connection profile for the two peers and the orderer,
// with the channel's peers in every role (discovery is disabled).
function connectionProfile(ordererAddress, peers) {
  const peerRoles = { endorsingPeer: true, chaincodeQuery: true, ledgerQuery: true, eventSource: true };
  const profile = {
    name: 'loom-interop',
    version: '1.0.0',
    client: { organization: 'Org1', connection: { timeout: { peer: { endorser: '60' }, orderer: '60' } } },
    organizations: {},
    orderers: { 'orderer.example.com': { url: `grpc://${ordererAddress}` } },
    peers: {},
    channels: { [CHANNEL]: { orderers: ['orderer.example.com'], peers: {} } },
  };
  for (const { org, name, address } of peers) {
    profile.organizations[org] = { mspid: `${org}MSP`, peers: [name] };
    profile.peers[name] = { url: `grpc://${address}` };
    profile.channels[CHANNEL].peers[name] = peerRoles;
  }
  return profile;
}

// The _lifecycle arguments Fabric's peer CLI would send for `name`, with the
// channel's default endorsement policy (/Channel/Application/Endorsement).
function commitDefinitionArgs(name, sequence) {
  const policy = fabric.protos.ApplicationPolicy.encode({
    channel_config_policy_reference: '/Channel/Application/Endorsement',
  }).finish();
  return Buffer.from(fabric.lifecycle.CommitChaincodeDefinitionArgs.encode({
    sequence,
    name,
    version: '1.0',
    endorsement_plugin: 'escc',
    validation_plugin: 'vscc',
    validation_parameter: policy,
    init_required: false,
  }).finish());
}

async function expectError(promise, pattern) {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    const text = String(error.message || error);
    return pattern.test(text) ? null : text;
  }
}

async function main(bins, workDir, state) {
  const { cryptoDir, genesisFile } = makeCryptoAndGenesis(bins.loomctl, bins.scenario, workDir, CHANNEL);
  const ordererConfig = writeOrdererConfig(path.join(workDir, 'orderer.yaml'), cryptoDir,
                                           path.join(workDir, 'orderer-data'));
  const orderer = startNode(bins.orderer, ['--config', ordererConfig, '--join', genesisFile],
                            path.join(workDir, 'orderer.log'), 'loom-orderer', START_DEADLINE_MS);
  state.nodes.push(orderer);
  const ordererAddress = await orderer.address;

  const chaincodes = [
    { name: 'assets', type: 'native', path: bins.assets },
    { name: 'notes', type: 'node', path: path.join(__dirname, 'chaincode', 'node-assets') },
  ];
  const peers = [];
  for (const org of ['Org1', 'Org2']) {
    const name = `peer0.${org.toLowerCase()}.example.com`;
    const config = peerConfig(workDir, cryptoDir, org, ordererAddress, chaincodes);
    const node = startNode(bins.peer, ['--config', config, '--join', genesisFile],
                           path.join(workDir, `${name}.log`), name, START_DEADLINE_MS);
    state.nodes.push(node);
    peers.push({ org, name, address: await node.address });
  }
  check('orderer and both peers listening', peers.length === 2);

  const userMsp = path.join(cryptoDir, 'org1.example.com/users/User1@org1.example.com/msp');
  const wallet = await Wallets.newInMemoryWallet();
  await wallet.put('User1', {
    credentials: {
      certificate: fs.readFileSync(path.join(userMsp, 'signcerts/User1@org1.example.com-cert.pem'), 'utf8'),
      privateKey: fs.readFileSync(path.join(userMsp, 'keystore/priv_sk'), 'utf8'),
    },
    mspId: 'Org1MSP',
    type: 'X.509',
  });
  const gateway = new Gateway();
  state.gateway = gateway;
  await gateway.connect(connectionProfile(ordererAddress, peers), {
    wallet,
    identity: 'User1',
    discovery: { enabled: false, asLocalhost: true },
  });
  const network = await gateway.getNetwork(CHANNEL);

  // Chaincode definitions through Fabric's _lifecycle, endorsed by both orgs.
  const lifecycle = network.getContract('_lifecycle');
  for (const name of ['assets', 'notes']) {
    await lifecycle.submitTransaction('CommitChaincodeDefinition', commitDefinitionArgs(name, 1));
    const result = fabric.lifecycle.QueryChaincodeDefinitionResult.decode(
      await lifecycle.evaluateTransaction('QueryChaincodeDefinition',
                                          Buffer.from(fabric.lifecycle.QueryChaincodeDefinitionArgs.encode({ name }).finish())));
    check(`_lifecycle commits and reports the ${name} definition`, String(result.sequence) === '1' && result.version === '1.0',
          JSON.stringify(result));
  }

  // assets: fabric-samples' asset-transfer-basic application flow.
  const assets = network.getContract('assets');
  await assets.submitTransaction('InitLedger');
  const all = JSON.parse((await assets.evaluateTransaction('GetAllAssets')).toString());
  check('InitLedger then GetAllAssets returns the six sample assets', Array.isArray(all) && all.length === 6,
        JSON.stringify(all));
  await assets.submitTransaction('CreateAsset', 'asset13', 'yellow', '5', 'Tom', '1300');
  const asset13 = JSON.parse((await assets.evaluateTransaction('ReadAsset', 'asset13')).toString());
  check('CreateAsset then ReadAsset', asset13.ID === 'asset13' && asset13.Owner === 'Tom' && asset13.Size === 5,
        JSON.stringify(asset13));
  const oldOwner = (await assets.submitTransaction('TransferAsset', 'asset13', 'Tomoko')).toString();
  check('TransferAsset returns the old owner', oldOwner === 'Tom', oldOwner);
  const moved = JSON.parse((await assets.evaluateTransaction('ReadAsset', 'asset13')).toString());
  check('the transfer is committed', moved.Owner === 'Tomoko', JSON.stringify(moved));
  const exists = (await assets.evaluateTransaction('AssetExists', 'asset13')).toString();
  check('AssetExists', exists === 'true', exists);
  const missing = await expectError(assets.evaluateTransaction('ReadAsset', 'asset70'), /asset70 does not exist/);
  check('a chaincode error reaches the SDK with its message', missing === null, missing);
  const duplicate = await expectError(assets.submitTransaction('CreateAsset', 'asset13', 'red', '1', 'X', '1'),
                                      /asset13 already exists/);
  check('a refused submit reaches the SDK with its message', duplicate === null, duplicate);

  // notes: a fabric-contract-api chaincode run by fabric-shim.
  const notes = network.getContract('notes');
  const put = JSON.parse((await notes.submitTransaction('Put', 'n1', 'hello from fabric-shim')).toString());
  check('Node chaincode: Put through the SDK', put.ID === 'n1' && put.Author === 'Org1MSP', JSON.stringify(put));
  const got = JSON.parse((await notes.evaluateTransaction('Get', 'n1')).toString());
  check('Node chaincode: Get sees the committed note', got.Text === 'hello from fabric-shim', JSON.stringify(got));
  const listed = JSON.parse((await notes.evaluateTransaction('List')).toString());
  check('Node chaincode: range query', listed.length === 1 && listed[0].ID === 'n1', JSON.stringify(listed));
}

async function entry() {
  const [orderer, peer, loomctl, assets, scenario] = process.argv.slice(2);
  if (!orderer || !peer || !loomctl || !assets || !scenario) {
    console.error('usage: node peer_interop.js LOOM_ORDERER LOOM_PEER LOOMCTL ASSETS_CHAINCODE SCENARIO');
    process.exit(2);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loom_peer_interop_'));
  const state = { nodes: [] };
  try {
    await withDeadline(main({ orderer, peer, loomctl, assets, scenario }, workDir, state), OVERALL_DEADLINE_MS,
                       'peer interop scenario');
  } catch (error) {
    check('scenario runs to the end', false, error.stack || String(error));
  } finally {
    if (state.gateway) state.gateway.disconnect();
    state.nodes.forEach(stopNode);
  }
  if (anyFailed()) {
    for (const node of state.nodes) {
      if (fs.existsSync(node.logFile)) console.log(`--- ${node.label} log ---\n` + fs.readFileSync(node.logFile, 'utf8'));
    }
    for (const file of fs.readdirSync(workDir, { recursive: true })) {
      if (String(file).endsWith('.log') && String(file).includes('chaincode')) {
        console.log(`--- ${file} ---\n` + fs.readFileSync(path.join(workDir, String(file)), 'utf8'));
      }
    }
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  finish();
}

entry();
