/* The local chat page's script, served at /local.js: the page's Content-Security-Policy allows no
 * inline script. Everything that comes from the roster or a chat is inserted as text, never as HTML. */
/* global document, window, navigator, fetch, localStorage, crypto, setInterval, clearInterval */
'use strict';

(() => {
  const MEDIA_MAX_BYTES = 5 * 1024 * 1024;
  const ROLE_NAMES = {
    can_bo: 'cán bộ',
    truong_nhom: 'trưởng nhóm',
    thanh_vien: 'thành viên',
    quan_tri: 'quản trị',
  };
  const $ = (id) => document.getElementById(id);
  const chat = $('chat');
  const who = $('who');
  const input = $('t');
  const fileInput = $('file');

  let user = '';
  let after = 0;
  let timer = null;
  /** Bumped whenever the person changes, so a late answer for the previous one is dropped. */
  let generation = 0;
  /** The one poll in flight, and whether another one was asked for meanwhile. */
  let inFlight = null;
  let pollAgain = false;
  /** Each outbox row is shown once, however many polls return it. */
  const seen = new Set();
  const byRef = new Map();

  // randomUUID() exists only on https or localhost; the page is also opened over http on a local network.
  function uid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  function guestId() {
    let g = localStorage.getItem('ntt-guest');
    if (!g) {
      g = 'guest:' + uid().slice(0, 12);
      localStorage.setItem('ntt-guest', g);
    }
    return g;
  }

  const you = () => (user.startsWith('guest:') ? 'Bác/Anh/Chị' : 'Đồng chí');

  function option(value, label) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    return o;
  }

  function showSignIn() {
    clearInterval(timer);
    timer = null;
    $('signin').hidden = false;
    $('token').focus();
  }

  async function api(path, init) {
    const res = await fetch(path, { credentials: 'same-origin', ...init });
    if (res.status === 401) showSignIn();
    return res;
  }

  async function errorOf(res) {
    const body = await res.json().catch(() => ({}));
    return body.error || 'Lỗi ' + res.status;
  }

  async function loadPeople() {
    const res = await api('/local/api/people');
    if (!res.ok) return;
    const people = await res.json();
    who.replaceChildren(
      option('', '— chọn —'),
      ...people.map((p) =>
        option(
          'person:' + p.code,
          `${p.code} – ${p.name} (${p.roles.map((r) => ROLE_NAMES[r] || r).join(', ')})`,
        ),
      ),
      option(guestId(), 'Người dân (chưa có trong danh sách)'),
    );
  }

  function bubble(text, cls) {
    const d = document.createElement('div');
    d.className = 'msg' + (cls ? ' ' + cls : '');
    const t = document.createElement('span');
    t.className = 'text';
    t.textContent = text;
    d.appendChild(t);
    chat.appendChild(d);
    d.scrollIntoView({ block: 'end' });
    return d;
  }

  /**
   * Only the newest question of a flow can be answered: older questions' buttons stay visible but no
   * longer press. Menus and cards (no question number) keep theirs.
   */
  function retireOlderQuestions() {
    for (const b of chat.querySelectorAll('.question .choices button')) b.disabled = true;
  }

  function renderChoices(el, choices) {
    el.querySelector('.choices')?.remove();
    if (!choices || !choices.length) return;
    const box = document.createElement('div');
    box.className = 'choices';
    for (const row of choices) {
      const r = document.createElement('div');
      r.className = 'row';
      for (const c of row) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = c.label;
        b.onclick = () => press(box, c);
        r.appendChild(b);
      }
      box.appendChild(r);
    }
    el.appendChild(box);
  }

  async function press(box, c) {
    // A second tap while the first is on its way would answer the next question too.
    for (const b of box.querySelectorAll('button')) b.disabled = true;
    const ok =
      c.data === '__contact'
        ? await send({ contact: true }, '📱 (chia sẻ số điện thoại)')
        : await send({ button: c.data }, c.label);
    if (!ok && box.isConnected) for (const b of box.querySelectorAll('button')) b.disabled = false;
  }

  function show(m) {
    const p = m.payload;
    if (p.type === 'message') {
      const question = typeof p.questionSeq === 'number';
      if (question) retireOlderQuestions();
      const el = bubble(p.text, question ? 'question' : '');
      renderChoices(el, p.choices);
      if (m.ref) byRef.set(m.ref, el);
    } else if (p.type === 'close' || p.type === 'redraw') {
      const el = byRef.get(p.targetRef);
      if (!el) return;
      el.querySelector('.text').textContent = p.text;
      if (p.type === 'close') {
        el.classList.add('closed');
        el.querySelector('.choices')?.remove();
      } else renderChoices(el, p.choices);
    } else if (p.type === 'request_contact') {
      const el = bubble(p.text);
      renderChoices(el, [[{ label: '📱 Chia sẻ số điện thoại', data: '__contact' }]]);
    } else if (p.type === 'document') {
      const el = bubble('📎 ' + p.fileName + (p.caption ? '\n' + p.caption : ''), 'doc');
      const a = document.createElement('a');
      a.textContent = ' Tải về';
      a.download = p.fileName;
      a.href = 'data:' + p.mimeType + ';base64,' + p.base64;
      el.appendChild(a);
    }
  }

  function poll() {
    if (!user) return Promise.resolve();
    if (inFlight) {
      pollAgain = true;
      return inFlight;
    }
    const gen = generation;
    inFlight = (async () => {
      try {
        const res = await api(`/local/api/messages?user=${encodeURIComponent(user)}&after=${after}`);
        if (gen !== generation || !res.ok) return;
        const rows = await res.json();
        if (gen !== generation) return;
        let shown = 0;
        for (const m of rows) {
          after = Math.max(after, m.id);
          if (seen.has(m.id)) continue;
          seen.add(m.id);
          show(m);
          shown++;
        }
        // Buttons are added after a bubble is placed: keep the newest question and its buttons in view.
        if (shown) chat.lastElementChild?.scrollIntoView({ block: 'end' });
      } catch {
        // Offline for a moment: the next tick tries again.
      } finally {
        inFlight = null;
      }
    })();
    return inFlight.then(() => {
      if (pollAgain) {
        pollAgain = false;
        return poll();
      }
    });
  }

  function needUser() {
    if (user) return false;
    bubble('Xin chọn người dùng ở trên trước.', 'note');
    return true;
  }

  /** Sends one message; true when the server took it. */
  async function send(body, echo) {
    if (needUser()) return false;
    bubble(echo, 'me');
    const res = await api('/local/api/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, id: uid(), ...body }),
    });
    if (!res.ok) bubble('⚠ ' + (await errorOf(res)), 'note');
    await poll();
    return res.ok;
  }

  function typedLocationFallback() {
    bubble(
      `Không lấy được vị trí của máy. ${you()} gõ địa chỉ (thôn, xóm, đường, gần chỗ nào…) vào ô dưới rồi bấm Gửi.`,
      'note',
    );
    input.placeholder = 'Gõ địa chỉ…';
    input.focus();
  }

  function sendLocation() {
    if (needUser()) return;
    if (!navigator.geolocation || !window.isSecureContext) return typedLocationFallback();
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const { latitude, longitude } = pos.coords;
        send(
          { location: { latitude, longitude } },
          `📍 Vị trí: ${latitude.toFixed(5)}, ${longitude.toFixed(5)}`,
        );
      },
      typedLocationFallback,
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  async function sendPhoto(file) {
    if (needUser()) return;
    if (file.size > MEDIA_MAX_BYTES) {
      bubble('⚠ Ảnh lớn quá (tối đa 5 MB). Xin chọn ảnh khác.', 'note');
      return;
    }
    const el = bubble('📷 Ảnh', 'me');
    const img = document.createElement('img');
    img.alt = 'Ảnh vừa gửi';
    img.src = URL.createObjectURL(file);
    el.appendChild(img);
    const res = await api(`/local/api/media?user=${encodeURIComponent(user)}&id=${uid()}`, {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream' },
      body: file,
    });
    if (!res.ok) bubble('⚠ ' + (await errorOf(res)), 'note');
    await poll();
  }

  who.onchange = () => {
    user = who.value;
    generation++;
    after = 0;
    seen.clear();
    byRef.clear();
    chat.replaceChildren();
    clearInterval(timer);
    timer = null;
    if (user) {
      poll();
      timer = setInterval(poll, 1000);
    }
  };

  $('f').onsubmit = (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    input.placeholder = 'Gõ tin nhắn…';
    send({ text }, text);
  };
  $('loc').onclick = sendLocation;
  $('photo').onclick = () => fileInput.click();
  fileInput.onchange = () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    if (file) sendPhoto(file);
  };

  $('signin-form').onsubmit = async (e) => {
    e.preventDefault();
    const err = $('signin-error');
    err.textContent = '';
    const res = await fetch('/local/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: $('token').value }),
    });
    $('token').value = '';
    if (!res.ok) {
      err.textContent = await errorOf(res);
      return;
    }
    $('signin').hidden = true;
    await loadPeople();
    if (user) {
      poll();
      timer = setInterval(poll, 1000);
    }
  };

  loadPeople();
})();
