// mixmatrix monitor: plays the server's PCM (s16le, interleaved stereo) posted by app.js as
// Int16Array messages. A ring buffer of preallocated floats, a jitter buffer that starts (and
// restarts after running dry) once `targetMs` is buffered, and a latency bound that skips back to
// the target when the buffer grows past 3× it (a burst after a stall, or clocks drifting apart).
// Nothing in process() allocates. When the context runs at the stream's rate (app.js asks for
// that) samples are copied one for one; otherwise they are interpolated linearly.
'use strict';

class PcmMonitor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = (options && options.processorOptions) || {};
    this.inRate = o.inRate || sampleRate;
    this.step = this.inRate / sampleRate;
    let cap = 1;
    while (cap < this.inRate * 2) cap <<= 1;  // two seconds of frames, a power of two
    this.cap = cap;
    this.mask = cap - 1;
    this.left = new Float32Array(cap);
    this.right = new Float32Array(cap);
    this.wi = 0;       // next frame to write
    this.ri = 0;       // frame being read
    this.frac = 0;     // position between ri and ri + 1
    this.count = 0;    // frames buffered (from ri)
    this.setTarget(o.targetMs || 100);
    this.playing = false;
    this.underruns = 0;
    this.skips = 0;
    this.received = 0;
    this.tick = 0;
    this.statsEvery = Math.max(1, Math.round(sampleRate / 128 / 4));
    this.stats = { buffered_ms: 0, playing: false, underruns: 0, skips: 0, received: 0 };
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  setTarget(ms) {
    this.target = Math.max(256, Math.round(this.inRate * ms / 1000));
    this.limit = Math.min(this.cap - 1024, this.target * 3);
  }

  onMessage(d) {
    if (d instanceof Int16Array) {
      this.push(d);
    } else if (d && d.cmd === 'reset') {
      this.ri = this.wi = 0;
      this.frac = 0;
      this.count = 0;
      this.playing = false;
    } else if (d && d.cmd === 'target') {
      this.setTarget(d.ms);
    }
  }

  push(s) {
    const frames = s.length >> 1;
    const mask = this.mask;
    let w = this.wi;
    for (let i = 0, j = 0; i < frames; i++, j += 2) {
      this.left[w] = s[j] / 32768;
      this.right[w] = s[j + 1] / 32768;
      w = (w + 1) & mask;
    }
    this.wi = w;
    this.received += frames;
    this.count += frames;
    if (this.count > this.limit) {
      // Too far behind the server: drop the oldest, back to the target.
      const drop = this.count - this.target;
      this.ri = (this.ri + drop) & mask;
      this.count -= drop;
      this.skips++;
    }
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const l = out[0];
    const r = out.length > 1 ? out[1] : out[0];
    const n = l.length;
    let i = 0;
    if (!this.playing && this.count >= this.target) this.playing = true;
    if (this.playing) {
      const mask = this.mask;
      const L = this.left;
      const R = this.right;
      const step = this.step;
      let ri = this.ri;
      let frac = this.frac;
      let count = this.count;
      if (step === 1 && frac === 0) {
        for (; i < n && count > 0; i++) {
          l[i] = L[ri];
          r[i] = R[ri];
          ri = (ri + 1) & mask;
          count--;
        }
      } else {
        for (; i < n && count > 1; i++) {
          const nx = (ri + 1) & mask;
          l[i] = L[ri] + (L[nx] - L[ri]) * frac;
          r[i] = R[ri] + (R[nx] - R[ri]) * frac;
          frac += step;
          while (frac >= 1) {
            frac -= 1;
            ri = (ri + 1) & mask;
            count--;
          }
        }
      }
      this.ri = ri;
      this.frac = frac;
      this.count = count;
      if (i < n) {
        this.playing = false;  // ran dry: silence until the target is buffered again
        this.underruns++;
      }
    }
    for (; i < n; i++) {
      l[i] = 0;
      r[i] = 0;
    }
    if (++this.tick >= this.statsEvery) {
      this.tick = 0;
      const st = this.stats;
      st.buffered_ms = Math.round(this.count * 1000 / this.inRate);
      st.playing = this.playing;
      st.underruns = this.underruns;
      st.skips = this.skips;
      st.received = this.received;
      this.port.postMessage(st);
    }
    return true;
  }
}

registerProcessor('pcm-monitor', PcmMonitor);
