// A session of another SDK for the Java tests: the Node model of the Java Server SDK
// (dist/lib, serverSdk) over the C++ core (the native addon). Usage:
//   node peer.js <repo root> <host:port> <account>
// It prints one line per callback ("instant <account> <uid> <msg>") and reads one JSON command
// per line on stdin ({"do":"send","to":"bob","msg":"hi"}, join, channelSend, accept, invite, logout).
'use strict';
const path = require('node:path');
const readline = require('node:readline');

const [root, server, account] = process.argv.slice(2);
const { serverSdk } = require(path.join(root, 'dist/lib'));

const out = (line) => process.stdout.write(line.replace(/\n/g, ' ') + '\n');
const signal = new serverSdk.Signal('cross-app', { server });
let channel = null;
let lastCall = null;

const session = signal.login(account, '_no_need_token', {
  onLoginSuccess: (_s, uid) => out(`loginSuccess ${uid}`),
  onLoginFailed: (_s, ecode) => out(`loginFailed ${ecode}`),
  onLogout: (_s, ecode) => {
    out(`logout ${ecode}`);
    process.exit(0);
  },
  onMessageInstantReceive: (_s, from, uid, msg) => out(`instant ${from} ${uid} ${msg}`),
  onError: (_s, ecode, reason) => out(`error ${ecode} ${reason}`),
  onInviteReceived: (_s, call) => {
    lastCall = call;
    call.setCallback({
      onInviteEndByPeer: (_s2, c, extra) => out(`inviteEndByPeer ${c.peer} ${extra}`),
    });
    out(`inviteReceived ${call.channelName} ${call.peer} ${call.extra}`);
  },
});

const channelCallback = {
  onChannelJoined: (_s, ch) => out(`channelJoined ${ch.name}`),
  onChannelUserJoined: (_s, _ch, who, uid) => out(`userJoined ${who} ${uid}`),
  onMessageChannelReceive: (_s, _ch, who, uid, msg) => out(`channelMsg ${who} ${uid} ${msg}`),
  onChannelAttrUpdated: (_s, _ch, name, value, type) => out(`attr ${name}=${value} ${type}`),
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line);
  switch (cmd.do) {
    case 'send':
      session.messageInstantSend(cmd.to, cmd.msg, {
        onMessageSendSuccess: () => out(`sent ${cmd.msg}`),
        onMessageSendError: (_s, ecode) => out(`sendError ${ecode}`),
      });
      break;
    case 'join':
      channel = session.channelJoin(cmd.channel, channelCallback);
      break;
    case 'channelSend':
      channel.messageChannelSend(cmd.msg);
      break;
    case 'accept':
      lastCall.channelInviteAccept(cmd.extra);
      break;
    case 'end':
      lastCall.channelInviteEnd();
      break;
    case 'logout':
      session.logout();
      break;
    default:
      out(`error unknown command ${cmd.do}`);
  }
});
process.stdin.on('end', () => session.logout());
