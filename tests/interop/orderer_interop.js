#!/usr/bin/env node
// Interop: a client that is not Loom's talks to loom-orderer.
//
//   node orderer_interop.js LOOM_ORDERER LOOMCTL SCENARIO
//
// Crypto and the genesis block come from `loomctl`; everything on the wire is
// built and read with fabric-protos' own JavaScript messages and sent with
// @grpc/grpc-js: 50 signed ENDORSER_TRANSACTION envelopes must get SUCCESS, a
// corrupted and a high-S signature must get FORBIDDEN with an info text, and a
// signed Deliver from the oldest block must return every transaction in a hash
// chain that checks out (data_hash and previous_hash as Fabric computes them).
// Every wait has a deadline; the orderer is killed at the end whatever happens.
// Prints `N passed, M failed` and exits non-zero on any failure.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const grpc = require('@grpc/grpc-js');
const fabric = require('fabric-protos');

const {
  check, anyFailed, finish, withDeadline, makeCryptoAndGenesis, writeOrdererConfig, startNode, stopNode,
} = require('./interop_util');

const { common, orderer, msp, protos, google } = fabric;

const CHANNEL = 'mychannel';
const ENVELOPE_COUNT = 50;
const OVERALL_DEADLINE_MS = 30000;
const START_DEADLINE_MS = 15000;
// The order of the P-256 group: a signature's S must be at most half of it.
const P256_ORDER = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

// ---- ECDSA signatures: DER <-> (r, s) and Fabric's low-S rule ------------

function readDerLength(bytes, offset) {
  const first = bytes[offset];
  if (first < 0x80) return [first, offset + 1];
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 1 + i];
  return [length, offset + 1 + count];
}

function parseDerSignature(der) {
  if (der[0] !== 0x30) throw new Error('signature is not a DER SEQUENCE');
  let [, offset] = readDerLength(der, 1);
  const integers = [];
  for (let i = 0; i < 2; i++) {
    if (der[offset] !== 0x02) throw new Error('signature component is not a DER INTEGER');
    const [length, start] = readDerLength(der, offset + 1);
    integers.push(BigInt('0x' + (der.subarray(start, start + length).toString('hex') || '0')));
    offset = start + length;
  }
  return { r: integers[0], s: integers[1] };
}

function derLength(length) {
  if (length < 0x80) return Buffer.from([length]);
  const bytes = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derTag(tag, content) {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

// A non-negative INTEGER in its minimal two's-complement form.
function derInteger(value) {
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return derTag(0x02, bytes);
}

function encodeDerSignature({ r, s }) {
  return derTag(0x30, Buffer.concat([derInteger(r), derInteger(s)]));
}

function isLowS(der) {
  return parseDerSignature(der).s <= P256_ORDER / 2n;
}

// Fabric accepts only S <= n/2; (r, n - s) is the same signature's other half.
function toLowS(der) {
  const { r, s } = parseDerSignature(der);
  return s > P256_ORDER / 2n ? encodeDerSignature({ r, s: P256_ORDER - s }) : der;
}

function toHighS(der) {
  const { r, s } = parseDerSignature(der);
  return s <= P256_ORDER / 2n ? encodeDerSignature({ r, s: P256_ORDER - s }) : der;
}

// ---- Blocks: Fabric's header hash ----------------------------------------

function uint64ToBigInt(value) {
  return BigInt(value.toString());
}

// SHA-256 of DER SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }.
function blockHeaderHash(header) {
  const der = derTag(0x30, Buffer.concat([
    derInteger(uint64ToBigInt(header.number)),
    derTag(0x04, Buffer.from(header.previous_hash)),
    derTag(0x04, Buffer.from(header.data_hash)),
  ]));
  return crypto.createHash('sha256').update(der).digest();
}

function blockDataHash(block) {
  const hash = crypto.createHash('sha256');
  for (const item of block.data.data) hash.update(item);
  return hash.digest();
}

// ---- Envelopes built with fabric-protos' messages ------------------------

class Signer {
  constructor(mspId, certPem, keyPem) {
    this.key = crypto.createPrivateKey(keyPem);
    this.creator = Buffer.from(msp.SerializedIdentity.encode({ mspid: mspId, id_bytes: Buffer.from(certPem) }).finish());
  }

  sign(bytes) {
    return toLowS(crypto.sign('sha256', bytes, this.key));
  }

  // A signed envelope of `type` on CHANNEL carrying `data`; returns it with its tx id.
  envelope(type, data) {
    const nonce = crypto.randomBytes(24);
    const txId = crypto.createHash('sha256').update(Buffer.concat([nonce, this.creator])).digest('hex');
    const now = Date.now();
    const channelHeader = common.ChannelHeader.encode({
      type,
      version: 0,
      timestamp: google.protobuf.Timestamp.create({ seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 }),
      channel_id: CHANNEL,
      tx_id: txId,
      epoch: 0,
    }).finish();
    const signatureHeader = common.SignatureHeader.encode({ creator: this.creator, nonce }).finish();
    const payload = common.Payload.encode({
      header: { channel_header: channelHeader, signature_header: signatureHeader },
      data: data(signatureHeader, txId),
    }).finish();
    return { txId, payload: Buffer.from(payload), signature: this.sign(payload) };
  }

  transaction(index) {
    return this.envelope(common.HeaderType.ENDORSER_TRANSACTION, (signatureHeader, txId) =>
      protos.Transaction.encode({
        actions: [{ header: signatureHeader, payload: Buffer.from(`interop transaction ${index} ${txId}`) }],
      }).finish());
  }

  seek(start, stop) {
    return this.envelope(common.HeaderType.DELIVER_SEEK_INFO, () =>
      orderer.SeekInfo.encode({ start, stop, behavior: orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY }).finish());
  }
}

function envelopeBytes({ payload, signature }) {
  return Buffer.from(common.Envelope.encode({ payload, signature }).finish());
}

// ---- gRPC: orderer.AtomicBroadcast with fabric-protos' codecs ------------

const AtomicBroadcastClient = grpc.makeGenericClientConstructor({
  Broadcast: {
    path: '/orderer.AtomicBroadcast/Broadcast',
    requestStream: true,
    responseStream: true,
    requestSerialize: (bytes) => bytes,
    requestDeserialize: (bytes) => bytes,
    responseSerialize: (message) => Buffer.from(orderer.BroadcastResponse.encode(message).finish()),
    responseDeserialize: (bytes) => orderer.BroadcastResponse.decode(bytes),
  },
  Deliver: {
    path: '/orderer.AtomicBroadcast/Deliver',
    requestStream: true,
    responseStream: true,
    requestSerialize: (bytes) => bytes,
    requestDeserialize: (bytes) => bytes,
    responseSerialize: (message) => Buffer.from(orderer.DeliverResponse.encode(message).finish()),
    responseDeserialize: (bytes) => orderer.DeliverResponse.decode(bytes),
  },
}, 'AtomicBroadcast');

// Sends every envelope on one Broadcast stream; resolves with the responses.
function broadcast(client, envelopes) {
  return new Promise((resolve, reject) => {
    const responses = [];
    const call = client.Broadcast();
    call.on('data', (response) => responses.push(response));
    call.on('error', reject);
    call.on('end', () => resolve(responses));
    for (const envelope of envelopes) call.write(envelopeBytes(envelope));
    call.end();
  });
}

// One Deliver stream taking requests one after another; next() resolves with
// the blocks of one request and the status that ended it.
class DeliverStream {
  constructor(client) {
    this.call = client.Deliver();
    this.blocks = [];
    this.waiter = null;
    this.call.on('data', (response) => {
      if (response.Type === 'block') {
        this.blocks.push(response.block);
      } else if (response.Type === 'status') {
        const blocks = this.blocks;
        this.blocks = [];
        if (this.waiter) this.waiter.resolve({ blocks, status: response.status });
        this.waiter = null;
      }
    });
    this.call.on('error', (error) => {
      if (this.waiter) this.waiter.reject(error);
      this.waiter = null;
    });
  }

  request(seekEnvelope) {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.call.write(envelopeBytes(seekEnvelope));
    });
  }

  close() {
    this.call.end();
  }
}

// ---- The scenario ---------------------------------------------------------

async function main(ordererBin, loomctlBin, scenario, workDir, state) {
  const { cryptoDir, genesisFile } = makeCryptoAndGenesis(loomctlBin, scenario, workDir, CHANNEL);
  const configFile = writeOrdererConfig(path.join(workDir, 'orderer.yaml'), cryptoDir, 'data');

  state.logFile = path.join(workDir, 'orderer.log');
  state.node = startNode(ordererBin, ['--config', configFile, '--join', genesisFile], state.logFile, 'loom-orderer',
                         START_DEADLINE_MS);
  const address = await state.node.address;
  check('loom-orderer reports its address', /^127\.0\.0\.1:[1-9][0-9]*$/.test(address), address);

  const userMsp = path.join(cryptoDir, 'org1.example.com/users/User1@org1.example.com/msp');
  const signer = new Signer('Org1MSP',
                            fs.readFileSync(path.join(userMsp, 'signcerts/User1@org1.example.com-cert.pem'), 'utf8'),
                            fs.readFileSync(path.join(userMsp, 'keystore/priv_sk'), 'utf8'));
  const client = new AtomicBroadcastClient(address, grpc.credentials.createInsecure());
  state.client = client;

  // 50 good envelopes on one Broadcast stream.
  const envelopes = [];
  for (let i = 0; i < ENVELOPE_COUNT; i++) envelopes.push(signer.transaction(i));
  check('every signature is low-S after normalising', envelopes.every((e) => isLowS(e.signature)));
  const responses = await broadcast(client, envelopes);
  check(`${ENVELOPE_COUNT} Broadcast responses`, responses.length === ENVELOPE_COUNT, `got ${responses.length}`);
  const notSuccess = responses.filter((r) => r.status !== common.Status.SUCCESS);
  check(`all ${ENVELOPE_COUNT} envelopes SUCCESS`, notSuccess.length === 0,
        notSuccess.slice(0, 3).map((r) => `${common.Status[r.status]} ${r.info}`).join('; '));

  // A corrupted signature and the same signature in its high-S form: both refused.
  const corrupted = signer.transaction('corrupted');
  corrupted.signature = Buffer.from(corrupted.signature);
  corrupted.signature[corrupted.signature.length - 1] ^= 0x01;
  const highS = signer.transaction('high-S');
  highS.signature = toHighS(highS.signature);
  const refused = await broadcast(client, [corrupted, highS]);
  for (const [name, response] of [['corrupted signature', refused[0]], ['high-S signature', refused[1]]]) {
    check(`${name} gets FORBIDDEN with an info text`,
          response && response.status === common.Status.FORBIDDEN && response.info.length > 0,
          response ? `${common.Status[response.status]} '${response.info}'` : 'no response');
  }

  // Deliver: oldest -> newest, then block by block until every tx id was seen.
  const wanted = new Set(envelopes.map((e) => e.txId));
  const refusedIds = new Set([corrupted.txId, highS.txId]);
  const stream = new DeliverStream(client);
  state.stream = stream;
  const chain = [];
  let statusesOk = true;
  let sawRefused = false;
  const take = (reply) => {
    if (reply.status !== common.Status.SUCCESS) {
      statusesOk = false;
      console.log(`Deliver ended with ${common.Status[reply.status]}`);
    }
    for (const block of reply.blocks) {
      chain.push(block);
      for (const data of block.data.data) {
        const payload = common.Payload.decode(common.Envelope.decode(data).payload);
        const txId = common.ChannelHeader.decode(payload.header.channel_header).tx_id;
        wanted.delete(txId);
        if (refusedIds.has(txId)) sawRefused = true;
      }
    }
  };
  take(await stream.request(signer.seek({ oldest: {} }, { newest: {} })));
  while (wanted.size > 0 && statusesOk) {
    const next = chain.length;
    take(await stream.request(signer.seek({ specified: { number: next } }, { specified: { number: next } })));
  }
  stream.close();
  check('Deliver requests end with SUCCESS', statusesOk);
  check(`all ${ENVELOPE_COUNT} tx ids delivered`, wanted.size === 0, `${wanted.size} missing`);
  check('refused envelopes are in no block', !sawRefused);

  let numbersOk = true;
  let dataHashesOk = true;
  let linksOk = true;
  chain.forEach((block, i) => {
    if (uint64ToBigInt(block.header.number) !== BigInt(i)) numbersOk = false;
    if (!blockDataHash(block).equals(Buffer.from(block.header.data_hash))) dataHashesOk = false;
    if (i > 0 && !blockHeaderHash(chain[i - 1].header).equals(Buffer.from(block.header.previous_hash))) linksOk = false;
  });
  check(`${chain.length} blocks, numbered from 0 in order`, chain.length > 1 && numbersOk);
  check('every data_hash is SHA-256 of the block data', dataHashesOk);
  check('every previous_hash is SHA-256 of the DER header before it', linksOk);
}

async function entry() {
  const [ordererBin, loomctlBin, scenario] = process.argv.slice(2);
  if (!ordererBin || !loomctlBin || !scenario) {
    console.error('usage: node orderer_interop.js LOOM_ORDERER LOOMCTL SCENARIO');
    process.exit(2);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loom_interop_'));
  const state = {};
  try {
    await withDeadline(main(ordererBin, loomctlBin, scenario, workDir, state), OVERALL_DEADLINE_MS, 'interop scenario');
  } catch (error) {
    check('scenario runs to the end', false, error.stack || String(error));
  } finally {
    if (state.stream) state.stream.call.cancel();
    if (state.client) state.client.close();
    stopNode(state.node);
  }
  if (anyFailed() && state.logFile && fs.existsSync(state.logFile)) {
    console.log('--- loom-orderer log ---\n' + fs.readFileSync(state.logFile, 'utf8'));
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  finish();
}

entry();
