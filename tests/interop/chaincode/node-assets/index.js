// A Node.js chaincode written against Fabric's own contract API
// (fabric-contract-api / fabric-shim 2.5.8, resolved from the interop test's
// node_modules). loom-peer starts it the way Fabric starts Node chaincode
// (`npm start -- --peer.address ...`, CORE_CHAINCODE_ID_NAME); the interop
// test invokes it through fabric-network.
'use strict';

const { Contract } = require('fabric-contract-api');

class NoteContract extends Contract {
  constructor() {
    super('notes');
  }

  // Stores a note; fails when the id is taken.
  async Put(ctx, id, text) {
    const existing = await ctx.stub.getState(id);
    if (existing && existing.length > 0) throw new Error(`the note ${id} already exists`);
    const note = { ID: id, Text: text, Author: ctx.clientIdentity.getMSPID() };
    await ctx.stub.putState(id, Buffer.from(JSON.stringify(note)));
    ctx.stub.setEvent('NotePut', Buffer.from(id));
    return JSON.stringify(note);
  }

  async Get(ctx, id) {
    const bytes = await ctx.stub.getState(id);
    if (!bytes || bytes.length === 0) throw new Error(`the note ${id} does not exist`);
    return bytes.toString();
  }

  // Every note, by a range query over the whole namespace.
  async List(ctx) {
    const notes = [];
    for await (const entry of ctx.stub.getStateByRange('', '')) notes.push(JSON.parse(entry.value.toString()));
    return JSON.stringify(notes);
  }
}

module.exports.contracts = [NoteContract];
