// A small chat application on the Web SDK served at /signal.js (the global `Signal`).
// Every piece of text that comes from a user or the network is put in the page with textContent,
// never as HTML.
'use strict';

(function () {
  const byId = (id) => document.getElementById(id);

  // The SDK's error codes, so that the status line can say what went wrong in words.
  const CODE_NAMES = {
    0: 'success',
    100: 'other', 101: 'logged out by you', 102: 'network failure', 103: 'logged in on another device',
    104: 'bad packet', 105: 'token expired', 106: 'old version', 107: 'wrong token', 108: 'already logged out',
    200: 'login failed', 201: 'network failure', 202: 'login refused', 203: 'login cancelled',
    204: 'token expired', 205: 'old version', 206: 'wrong token', 207: 'token used elsewhere',
    208: 'already logged in',
    300: 'could not join the channel',
    400: 'message not sent', 401: 'message timed out',
    600: 'left the channel', 601: 'removed from the channel', 602: 'left by you', 603: 'logged out',
    604: 'disconnected',
    700: 'invitation failed', 701: 'already invited', 702: 'network failure', 703: 'peer is offline',
    704: 'no answer', 705: 'peer cannot receive invitations',
    1000: 'error', 1001: 'failed', 1002: 'unknown error', 1003: 'not logged in', 1004: 'wrong parameter',
    1005: 'parameter too large',
  };

  function describeCode(code) {
    const name = CODE_NAMES[code];
    return name ? `${name} (code ${code})` : `code ${code}`;
  }

  /** Builds an element; string children become text nodes, so they are never parsed as HTML. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'className') node.className = value;
      else if (key === 'onClick') node.addEventListener('click', value);
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  const ui = {
    status: byId('status'),
    whoami: byId('whoami'),
    logout: byId('logout'),
    loginView: byId('login-view'),
    loginForm: byId('login-form'),
    loginAppId: byId('login-appid'),
    loginAccount: byId('login-account'),
    loginToken: byId('login-token'),
    loginButton: byId('login-button'),
    chatView: byId('chat-view'),
    joinForm: byId('join-form'),
    channelName: byId('channel-name'),
    joinButton: byId('join-button'),
    channelJoined: byId('channel-joined'),
    channelTitle: byId('channel-title'),
    leaveButton: byId('leave-button'),
    memberCount: byId('member-count'),
    members: byId('members'),
    membersEmpty: byId('members-empty'),
    attrs: byId('attrs'),
    attrsBody: byId('attrs-body'),
    attrsEmpty: byId('attrs-empty'),
    attrForm: byId('attr-form'),
    attrName: byId('attr-name'),
    attrValue: byId('attr-value'),
    calls: byId('calls'),
    messages: byId('messages'),
    composer: byId('composer'),
    target: byId('target'),
    messageInput: byId('message-input'),
    sendButton: byId('send-button'),
    inviteForm: byId('invite-form'),
    inviteAccount: byId('invite-account'),
  };

  /** Everything the page knows about the current login; replaced as a whole on logout. */
  function freshState() {
    return {
      session: null,
      account: '',
      loggedIn: false,
      reconnecting: false,
      channel: null,
      channelName: '',
      joined: false,
      members: [],
      attrs: new Map(),
      target: '',
    };
  }
  let state = freshState();

  // ---- status line -------------------------------------------------------------------------

  function setStatus(text, tone) {
    ui.status.textContent = text;
    ui.status.dataset.tone = tone || 'info';
  }

  // ---- messages ----------------------------------------------------------------------------

  function timeLabel() {
    const now = new Date();
    return now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  /**
   * kind: 'channel' (from a member, to everyone), 'private-in', 'private-out' or 'system'.
   */
  function addMessage(kind, from, text, detail) {
    const stick = ui.messages.scrollTop + ui.messages.clientHeight >= ui.messages.scrollHeight - 40;
    let item;
    if (kind === 'system') {
      item = el('li', { className: 'message system' }, text);
    } else {
      const mine = kind === 'private-out' || (kind === 'channel' && from === state.account);
      const meta = el('div', { className: 'meta' },
        el('span', { className: 'sender' }, mine ? 'You' : from),
        detail ? el('span', { className: 'tag' }, detail) : null,
        el('time', { className: 'time' }, timeLabel()));
      item = el('li', { className: `message ${kind}${mine ? ' mine' : ''}` },
        meta, el('div', { className: 'body' }, text));
    }
    ui.messages.append(item);
    if (stick) ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  // ---- members and message target ----------------------------------------------------------

  /** A stable colour per account, so that people are told apart at a glance. */
  function hueOf(account) {
    let hash = 0;
    for (const ch of account) hash = (hash * 31 + ch.codePointAt(0)) % 360;
    return hash;
  }

  function avatar(account) {
    const node = el('span', { className: 'avatar', 'aria-hidden': 'true' }, account.slice(0, 1).toUpperCase());
    node.style.setProperty('--hue', String(hueOf(account)));
    return node;
  }

  function renderMembers() {
    ui.members.replaceChildren();
    const sorted = [...state.members].sort((a, b) => {
      if (a === state.account) return -1;
      if (b === state.account) return 1;
      return a.localeCompare(b);
    });
    for (const account of sorted) {
      const isMe = account === state.account;
      const row = el('li', { className: `member${account === state.target ? ' selected' : ''}`, dataset: { account } },
        avatar(account),
        el('button', {
          type: 'button', className: 'member-name', title: isMe ? 'This is you' : `Message ${account} privately`,
          disabled: isMe, onClick: () => selectTarget(account),
        }, account, isMe ? el('span', { className: 'you' }, ' (you)') : null));
      if (!isMe) {
        row.append(el('button', {
          type: 'button', className: 'small ghost member-invite', title: `Invite ${account} to #${state.channelName}`,
          onClick: () => invite(account),
        }, 'Invite'));
      }
      ui.members.append(row);
    }
    ui.memberCount.textContent = String(state.members.length);
    ui.membersEmpty.hidden = state.members.length > 0;
    renderTargets();
  }

  function renderTargets() {
    if (state.target && !state.members.includes(state.target)) state.target = '';
    ui.target.replaceChildren();
    if (state.joined) {
      ui.target.append(el('option', { value: '' }, `#${state.channelName} (everyone)`));
    }
    for (const account of state.members) {
      if (account === state.account) continue;
      ui.target.append(el('option', { value: account }, `${account} (private)`));
    }
    ui.target.value = state.target;
    const canSend = ui.target.options.length > 0;
    ui.messageInput.disabled = !canSend;
    ui.sendButton.disabled = !canSend;
    ui.messageInput.placeholder = !canSend
      ? 'Join a channel to start chatting'
      : state.target ? `Private message to ${state.target}` : `Message #${state.channelName}`;
  }

  function selectTarget(account) {
    state.target = account;
    renderMembers();
    ui.messageInput.focus();
  }

  // ---- channel attributes ------------------------------------------------------------------

  function renderAttrs() {
    ui.attrsBody.replaceChildren();
    const names = [...state.attrs.keys()].sort();
    for (const name of names) {
      ui.attrsBody.append(el('tr', { dataset: { name } },
        el('th', { scope: 'row', className: 'attr-name' }, name),
        el('td', { className: 'attr-value' }, state.attrs.get(name)),
        el('td', { className: 'attr-actions' },
          el('button', {
            type: 'button', className: 'small ghost attr-delete', title: `Delete ${name}`, 'aria-label': `Delete ${name}`,
            onClick: () => deleteAttr(name),
          }, 'Delete'))));
    }
    ui.attrs.hidden = names.length === 0;
    ui.attrsEmpty.hidden = names.length > 0;
  }

  function deleteAttr(name) {
    if (!state.channel) return;
    state.channel.channelDelAttr(name, () => {});
  }

  // ---- calls -------------------------------------------------------------------------------

  /** One card per invitation, outgoing or incoming, showing its state and what can be done. */
  function callCard(call, outgoing) {
    const peer = String(call.peer || '');
    const channelName = String(call.channelName || '');
    const title = el('div', { className: 'call-title' },
      el('strong', {}, outgoing ? `Calling ${peer}` : `${peer} invites you`),
      el('span', { className: 'call-channel' }, ` to #${channelName}`));
    const stateText = el('div', { className: 'call-state' });
    const actions = el('div', { className: 'call-actions' });
    const card = el('div', { className: `call ${outgoing ? 'outgoing' : 'incoming'}`, dataset: { peer } },
      el('span', { className: 'call-icon', 'aria-hidden': 'true' }, outgoing ? '\u2197' : '\u2199'),
      el('div', { className: 'call-text' }, title, stateText), actions);

    function show(text, phase, buttons) {
      stateText.textContent = text;
      card.dataset.phase = phase;
      actions.replaceChildren(...buttons);
    }
    const dismiss = () => el('button', { type: 'button', className: 'small ghost', onClick: () => card.remove() }, 'Dismiss');
    const hangUp = () => el('button', {
      type: 'button', className: 'small danger', onClick: () => call.channelInviteEnd(''),
    }, outgoing ? 'Hang up' : 'End');

    const handlers = {
      onInviteReceivedByPeer: () => show(`Ringing at ${peer}\u2026`, 'ringing', [hangUp()]),
      onInviteAcceptedByPeer: () => show(`${peer} accepted`, 'accepted', [hangUp()]),
      onInviteRefusedByPeer: () => show(`${peer} refused`, 'refused', [dismiss()]),
      onInviteFailed: (extra) => show(`Call failed${failureReason(extra)}`, 'failed', [dismiss()]),
      onInviteEndByPeer: () => show(`${peer} ended the call`, 'ended', [dismiss()]),
      onInviteEndByMyself: () => show('You ended the call', 'ended', [dismiss()]),
      onInviteMsg: (extra) => addMessage('system', '', `${peer} sent: ${String(extra)}`),
    };
    for (const [name, handler] of Object.entries(handlers)) {
      call[name] = (...args) => { if (card.isConnected || name === 'onInviteMsg') handler(...args); };
    }

    if (outgoing) {
      show('Calling\u2026', 'calling', [hangUp()]);
    } else {
      const accept = el('button', { type: 'button', className: 'small primary call-accept', onClick: () => {
        call.channelInviteAccept('');
        show(`You accepted \u2014 in a call with ${peer}`, 'accepted', [hangUp()]);
        if (!(state.joined && state.channelName === channelName)) joinChannel(channelName);
      } }, 'Accept');
      const refuse = el('button', { type: 'button', className: 'small danger call-refuse', onClick: () => {
        call.channelInviteRefuse('');
        show('You refused', 'refused', [dismiss()]);
      } }, 'Refuse');
      show('Incoming call \u2014 accept or refuse?', 'ringing', [accept, refuse]);
    }
    ui.calls.prepend(card);
  }

  /** The invitation extra is JSON; when it carries a reason or code, say it. */
  function failureReason(extra) {
    if (typeof extra === 'number') return `: ${describeCode(extra)}`;
    try {
      const parsed = JSON.parse(String(extra));
      if (parsed && typeof parsed === 'object') {
        if (typeof parsed.reason === 'string') return `: ${parsed.reason}`;
        if (typeof parsed.code === 'number') return `: ${describeCode(parsed.code)}`;
      }
    } catch (_) {
      // not JSON: nothing more to say
    }
    return '';
  }

  function invite(account) {
    if (!state.session || !state.joined) return;
    const peer = account.trim();
    if (!peer || peer === state.account) return;
    // _require_peer_online: an offline peer fails at once instead of after a long wait.
    const call = state.session.channelInviteUser2(state.channelName, peer, JSON.stringify({ _require_peer_online: 1 }));
    callCard(call, true);
  }

  // ---- channel -----------------------------------------------------------------------------

  function showChannel() {
    ui.joinForm.hidden = state.joined;
    ui.channelJoined.hidden = !state.joined;
    ui.channelTitle.textContent = state.channelName;
    for (const form of [ui.attrForm, ui.inviteForm]) {
      for (const input of form.elements) input.disabled = !state.joined;
    }
    renderMembers();
    renderAttrs();
  }

  function joinChannel(name) {
    const session = state.session;
    if (!session) return;
    if (state.channel) {
      // One channel at a time: leave the current one first.
      state.channel.channelLeave(() => {});
      forgetChannel();
    }
    const channel = session.channelJoin(name);
    state.channel = channel;
    state.channelName = name;
    ui.joinButton.disabled = true;
    setStatus(`Joining #${name}\u2026`, 'busy');
    const current = () => state.channel === channel;

    channel.onChannelJoined = () => {
      if (!current()) return;
      state.joined = true;
      if (!state.members.includes(state.account)) state.members.push(state.account);
      ui.joinButton.disabled = false;
      showChannel();
      setStatus(`Logged in as ${state.account} \u00b7 in #${name}`, 'ok');
      addMessage('system', '', `You joined #${name}`);
      ui.messageInput.focus();
    };
    channel.onChannelJoinFailed = (ecode) => {
      if (!current()) return;
      forgetChannel();
      ui.joinButton.disabled = false;
      setStatus(`Could not join #${name}: ${describeCode(ecode)}`, 'error');
    };
    channel.onChannelLeaved = (ecode) => {
      if (!current()) return;
      forgetChannel();
      addMessage('system', '', `You left #${name}${ecode && ecode !== 602 ? ` (${describeCode(ecode)})` : ''}`);
      setStatus(`Logged in as ${state.account}`, 'ok');
    };
    channel.onChannelUserList = (users) => {
      if (!current()) return;
      const accounts = (users || []).map((u) => String(Array.isArray(u) ? u[0] : u));
      if (state.account && !accounts.includes(state.account)) accounts.push(state.account);
      state.members = [...new Set(accounts)];
      renderMembers();
    };
    channel.onChannelUserJoined = (account) => {
      if (!current()) return;
      account = String(account);
      if (!state.members.includes(account)) state.members.push(account);
      renderMembers();
      addMessage('system', '', `${account} joined`);
    };
    channel.onChannelUserLeaved = (account) => {
      if (!current()) return;
      account = String(account);
      state.members = state.members.filter((a) => a !== account);
      renderMembers();
      addMessage('system', '', `${account} left`);
    };
    channel.onChannelAttrUpdated = (attrName, value, type) => {
      if (!current()) return;
      if (type === 'clear') {
        state.attrs.clear();
        if (state.joined) addMessage('system', '', 'Channel attributes cleared');
      } else if (type === 'del') {
        state.attrs.delete(String(attrName));
        if (state.joined) addMessage('system', '', `Attribute ${attrName} deleted`);
      } else {
        state.attrs.set(String(attrName), String(value));
        // The attributes a joiner receives on arrival are the channel's state, not news.
        if (state.joined) addMessage('system', '', `Attribute ${attrName} set to \u201c${value}\u201d`);
      }
      renderAttrs();
    };
    channel.onMessageChannelReceive = (account, _uid, msg) => {
      if (!current()) return;
      addMessage('channel', String(account), String(msg));
    };
  }

  function forgetChannel() {
    state.channel = null;
    state.joined = false;
    state.members = [];
    state.attrs = new Map();
    state.target = '';
    showChannel();
  }

  // ---- session -----------------------------------------------------------------------------

  function showLoggedIn(loggedIn) {
    ui.loginView.hidden = loggedIn;
    ui.chatView.hidden = !loggedIn;
    ui.logout.hidden = !loggedIn;
    ui.whoami.hidden = !loggedIn;
    ui.whoami.textContent = loggedIn ? state.account : '';
    ui.loginButton.disabled = false;
  }

  function resetToLogin(statusText, tone) {
    state = freshState();
    ui.messages.replaceChildren();
    ui.calls.replaceChildren();
    showChannel();
    showLoggedIn(false);
    setStatus(statusText, tone);
    ui.loginAccount.focus();
  }

  function login(appId, account, token) {
    if (typeof window.Signal !== 'function') {
      setStatus('The SDK (/signal.js) did not load; is the server running?', 'error');
      return;
    }
    let session;
    try {
      const signal = window.Signal(appId);
      if (typeof signal.getSDKVersion === 'function') ui.status.title = `SDK ${signal.getSDKVersion()}`;
      session = signal.login(account, token);
    } catch (err) {
      setStatus(`Login failed: ${err && err.message ? err.message : String(err)}`, 'error');
      return;
    }
    state = freshState();
    state.session = session;
    state.account = account;
    ui.loginButton.disabled = true;
    setStatus(`Logging in as ${account}\u2026`, 'busy');
    const current = () => state.session === session;

    session.onLoginSuccess = () => {
      if (!current()) return;
      state.loggedIn = true;
      showLoggedIn(true);
      showChannel();
      setStatus(`Logged in as ${account}`, 'ok');
      ui.channelName.focus();
    };
    session.onLoginFailed = (ecode) => {
      if (!current()) return;
      state = freshState();
      ui.loginButton.disabled = false;
      setStatus(`Login failed: ${describeCode(ecode)}`, 'error');
    };
    session.onLogout = (ecode) => {
      if (!current()) return;
      resetToLogin(`Logged out: ${describeCode(ecode)}`, ecode === 101 ? 'info' : 'error');
    };
    session.onMessageInstantReceive = (from, _uid, msg) => {
      if (!current()) return;
      addMessage('private-in', String(from), String(msg), 'private');
    };
    session.onInviteReceived = (call) => {
      if (!current()) return;
      callCard(call, false);
    };
    session.onError = (...args) => {
      if (!current()) return;
      setStatus(`Error: ${args.map((a) => (typeof a === 'number' ? describeCode(a) : String(a))).join(' \u00b7 ')}`, 'error');
    };
  }

  // The SDK reconnects by itself; getStatus() says when it is doing so (1 = connecting).
  setInterval(() => {
    const session = state.session;
    if (!session || !state.loggedIn || typeof session.getStatus !== 'function') return;
    const status = session.getStatus();
    if (status === 1 && !state.reconnecting) {
      state.reconnecting = true;
      setStatus('Connection lost \u2014 reconnecting\u2026', 'busy');
    } else if (status === 2 && state.reconnecting) {
      state.reconnecting = false;
      setStatus(`Reconnected as ${state.account}${state.joined ? ` \u00b7 in #${state.channelName}` : ''}`, 'ok');
    }
  }, 1000);

  // ---- wiring ------------------------------------------------------------------------------

  ui.loginForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const appId = ui.loginAppId.value.trim();
    const account = ui.loginAccount.value.trim();
    const token = ui.loginToken.value.trim();
    if (!appId || !account || !token) {
      setStatus('App ID, account and token are all needed.', 'error');
      return;
    }
    if (/\s/.test(account)) {
      setStatus('An account cannot contain spaces.', 'error');
      return;
    }
    login(appId, account, token);
  });

  ui.logout.addEventListener('click', () => {
    const session = state.session;
    if (!session) return;
    const account = state.account;
    state.session = null; // later callbacks of this session are ignored
    session.logout();
    resetToLogin(`${account} logged out`, 'info');
  });

  ui.joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = ui.channelName.value.trim();
    if (!name) return;
    if (/\s/.test(name)) {
      setStatus('A channel name cannot contain spaces.', 'error');
      return;
    }
    joinChannel(name);
  });

  ui.leaveButton.addEventListener('click', () => {
    if (state.channel) state.channel.channelLeave(() => {});
  });

  ui.target.addEventListener('change', () => selectTarget(ui.target.value));

  ui.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.messageInput.value;
    if (!text.trim() || !state.session) return;
    const peer = state.target;
    if (peer) {
      state.session.messageInstantSend(peer, text, () => {});
      addMessage('private-out', state.account, text, `to ${peer} \u00b7 private`);
    } else if (state.channel && state.joined) {
      // The server echoes channel messages to their sender; the echo is what shows it.
      state.channel.messageChannelSend(text, () => {});
    } else {
      return;
    }
    ui.messageInput.value = '';
  });

  ui.inviteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const peer = ui.inviteAccount.value.trim();
    if (!peer) return;
    if (peer === state.account) {
      setStatus('You cannot invite yourself.', 'error');
      return;
    }
    invite(peer);
    ui.inviteAccount.value = '';
  });

  ui.attrForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = ui.attrName.value.trim();
    if (!name || !state.channel) return;
    state.channel.channelSetAttr(name, ui.attrValue.value, () => {});
    ui.attrName.value = '';
    ui.attrValue.value = '';
    ui.attrName.focus();
  });

  showChannel();
  showLoggedIn(false);
  if (typeof window.Signal !== 'function') {
    setStatus('The SDK (/signal.js) did not load; is the server running?', 'error');
  }
})();
