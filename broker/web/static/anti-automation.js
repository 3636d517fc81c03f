/* The browser half of the anti-automation check (broker/web/anti-automation.ts): finds a nonce
 * such that SHA-256 of the UTF-8 text `${challenge}:${nonce}` starts with data-pow-bits zero bits,
 * the nonce being a base-36 counter, exactly as the server checks it.
 *
 * SHA-256 is written out by hand below. crypto.subtle exists only in secure contexts, and the
 * broker may be served over plain http on a non-localhost host (a test bench, an internal
 * network); a page that loads nothing from elsewhere has no library to fall back on. It is also
 * synchronous, which a search of many small hashes wants: one promise per try would cost more
 * than the hash.
 *
 * The search starts as soon as the page loads, so that it usually ends while the person is still
 * typing; a submit that comes earlier is held and sent when the nonce is found. The work is cut
 * into slices between which the page gets control back, so it stays responsive.
 *
 * In Node (tests/unit/web/anti-automation.test.ts) the file is run in a vm context that offers a
 * `module` object and no `document`: the pure functions are handed over through module.exports and
 * no page is touched. A browser has no `module`, so nothing leaks into the page's globals.
 */
(function () {
  'use strict';

  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  // Reused by every hash: the search runs millions of them and must not allocate per try.
  var W = new Int32Array(64);

  /** SHA-256 of bytes[0..length) into H (an Int32Array of 8 words, big-endian words of the digest). */
  function digestInto(bytes, length, H) {
    for (var i = 0; i < 8; i++) H[i] = H0[i];
    // message, one 0x80 byte, zeros, and the length in bits in the last 8 bytes of the last block
    var blocks = Math.floor((length + 8) / 64) + 1;
    var bitsHigh = Math.floor(length / 0x20000000);
    var bitsLow = (length * 8) >>> 0;
    for (var b = 0; b < blocks; b++) {
      var base = b * 64;
      for (var j = 0; j < 16; j++) {
        var w = 0;
        for (var k = 0; k < 4; k++) {
          var at = base + j * 4 + k;
          w = (w << 8) | (at < length ? bytes[at] : at === length ? 0x80 : 0);
        }
        W[j] = w;
      }
      if (b === blocks - 1) {
        W[14] = bitsHigh;
        W[15] = bitsLow;
      }
      compress(H);
    }
  }

  function compress(H) {
    var t, x, y;
    for (t = 16; t < 64; t++) {
      x = W[t - 15];
      y = W[t - 2];
      var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
    }
    var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (t = 0; t < 64; t++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var ch = (e & f) ^ (~e & g);
      var t1 = (h + S1 + ch + K[t] + W[t]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var maj = (a & b) ^ (a & c) ^ (b & c);
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + S0 + maj) | 0;
    }
    H[0] = (H[0] + a) | 0;
    H[1] = (H[1] + b) | 0;
    H[2] = (H[2] + c) | 0;
    H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0;
    H[5] = (H[5] + f) | 0;
    H[6] = (H[6] + g) | 0;
    H[7] = (H[7] + h) | 0;
  }

  /** UTF-8 as TextEncoder does it (a lone surrogate becomes U+FFFD), without needing TextEncoder. */
  function utf8(text) {
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        var lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }

  /** SHA-256 of a string's UTF-8 bytes, as 32 bytes. */
  function sha256(text) {
    var bytes = utf8(text);
    var H = new Int32Array(8);
    digestInto(bytes, bytes.length, H);
    var out = new Uint8Array(32);
    for (var i = 0; i < 8; i++) {
      out[i * 4] = H[i] >>> 24;
      out[i * 4 + 1] = (H[i] >>> 16) & 255;
      out[i * 4 + 2] = (H[i] >>> 8) & 255;
      out[i * 4 + 3] = H[i] & 255;
    }
    return out;
  }

  function leadingZeroBitsOfWords(H) {
    var bits = 0;
    for (var i = 0; i < 8; i++) {
      if (H[i] !== 0) return bits + Math.clz32(H[i]);
      bits += 32;
    }
    return bits;
  }

  /**
   * A resumable search: each call to step(tries) hashes at most `tries` counters from where the
   * last one stopped and returns the nonce, or null when it has not been found yet.
   */
  function createSearch(challenge, bits) {
    var prefix = utf8(challenge + ':');
    // 11 base-36 digits reach Number.MAX_SAFE_INTEGER
    var buffer = new Uint8Array(prefix.length + 11);
    for (var i = 0; i < prefix.length; i++) buffer[i] = prefix[i];
    var H = new Int32Array(8);
    var counter = 0;
    return {
      step: function (tries) {
        for (var n = 0; n < tries; n++, counter++) {
          var nonce = counter.toString(36);
          for (var j = 0; j < nonce.length; j++) buffer[prefix.length + j] = nonce.charCodeAt(j);
          digestInto(buffer, prefix.length + nonce.length, H);
          if (leadingZeroBitsOfWords(H) >= bits) {
            counter++;
            return nonce;
          }
        }
        return null;
      },
      tried: function () {
        return counter;
      },
    };
  }

  /** Whole search in one go: for tools and tests, never on a page (it would freeze it). */
  function solve(challenge, bits) {
    var search = createSearch(challenge, bits);
    for (;;) {
      var nonce = search.step(1000000);
      if (nonce !== null) return nonce;
    }
  }

  // ~20000 tries are a few milliseconds; several batches run back to back until a slice of time is
  // used, because browsers stretch chained setTimeout(0) to 4 ms and a batch per timer would spend
  // much of the time waiting. 40 ms stays under the 50 ms that counts as a long task.
  var BATCH = 20000;
  var SLICE_MS = 40;

  function setUpForm(form) {
    var challenge = form.getAttribute('data-pow-challenge') || '';
    var bits = Number(form.getAttribute('data-pow-bits'));
    // without a usable challenge there is nothing to compute; the server refuses the form and
    // shows it again with a new one
    if (!challenge || !(bits >= 1 && bits <= 256 && Math.floor(bits) === bits)) return;

    var input = form.querySelector('input[name="powNonce"]');
    var status = form.querySelector('[data-pow-status]');
    var done = false;
    var held = null; // the submit event that came before the nonce, if any

    form.setAttribute('data-pow-state', 'working');
    form.setAttribute('aria-busy', 'true');
    if (status) status.textContent = form.getAttribute('data-pow-working-text') || '';

    form.addEventListener('submit', function (event) {
      if (done) return;
      event.preventDefault();
      held = event;
    });

    var search = createSearch(challenge, bits);
    function run() {
      var started = Date.now();
      do {
        var nonce = search.step(BATCH);
        if (nonce !== null) return finish(nonce);
      } while (Date.now() - started < SLICE_MS);
      setTimeout(run, 0);
    }
    function finish(nonce) {
      done = true;
      if (input) input.value = nonce;
      form.setAttribute('data-pow-state', 'done');
      form.setAttribute('aria-busy', 'false');
      if (status) status.textContent = '';
      if (held) {
        // requestSubmit runs the form's validation and keeps the button that was pressed (its
        // name and value are sent); submit() is the fallback for browsers without it
        var submitter = held.submitter || undefined;
        held = null;
        if (typeof form.requestSubmit === 'function') form.requestSubmit(submitter);
        else form.submit();
      }
    }
    setTimeout(run, 0);
  }

  function start() {
    var forms = document.querySelectorAll('form[data-pow-challenge]');
    for (var i = 0; i < forms.length; i++) setUpForm(forms[i]);
  }

  if (typeof module === 'object' && module && module.exports) {
    module.exports = { sha256: sha256, utf8: utf8, createSearch: createSearch, solve: solve };
  }
  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})();
