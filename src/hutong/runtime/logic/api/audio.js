// @ts-check
/**
 * wx.createAudioContext (drives an `<audio>` of the page or component: view/components/audio.js) and
 * wx.createWebAudioContext: the Web Audio API, played by the host page. The logic thread has no
 * AudioContext, so each WebAudioContext here is a stand-in: creating nodes, connecting them, setting
 * their properties and scheduling their parameters are recorded as operations and sent to the host in
 * one message per task (host/api/web-audio.js), which builds the same graph on a real AudioContext.
 * What Web Audio answers synchronously is answered here: an AudioBuffer's data (kept in this thread and
 * copied to the host when a source plays it), the context's currentTime (the host's clock at its last
 * answer, advanced by this thread's clock while running), state and sampleRate.
 */
import { toView } from '../bridge.js';
import { guard } from '../errors.js';
import { stack } from '../page.js';
import { querySelectorIn } from '../selector.js';
import { callHost } from '../call.js';
import { bytesOf, fileUrl } from './file.js';
import { newTask } from './tasks.js';

// -- wx.createAudioContext ------------------------------------------------------------------------------

class AudioContext {
  /** @param {string} id @param {any} scope */
  constructor(id, scope) {
    this.id = id;
    this.scope = scope;
  }

  /** @param {string} method @param {any[]} args */
  send(method, ...args) {
    const scope = this.scope;
    const nodes = scope?.__root ? querySelectorIn(scope.__root, scope, `#${this.id}`, false) : [];
    const node = nodes[0];
    if (node && node.t === 'audio') toView(scope.__tree.pageId, { t: 'component:call', target: node.n, method, args });
  }

  /** An app's own file (a temp or user file) reaches the frame as a data: URL. @param {string} src */
  setSrc(src) {
    this.send('setSrc', fileUrl(String(src ?? '')));
  }

  play() {
    this.send('play');
  }

  pause() {
    this.send('pause');
  }

  /** @param {number} position seconds */
  seek(position) {
    this.send('seek', Number(position) || 0);
  }
}

/** @param {string} id @param {any} [component] */
export function createAudioContext(id, component) {
  const scope = component && component.__root ? component : stack[stack.length - 1];
  return new AudioContext(String(id), scope);
}

// -- wx.createWebAudioContext ---------------------------------------------------------------------------

let nextObject = 1;

/** An AudioBuffer: its samples live here; a copy goes to the host when a source is given it. */
class WebAudioBuffer {
  /** @param {{numberOfChannels: number, length: number, sampleRate: number, channels?: Float32Array[]}} spec */
  constructor(spec) {
    this.id = nextObject++;
    this.numberOfChannels = Math.max(1, Math.floor(spec.numberOfChannels) || 1);
    this.length = Math.max(1, Math.floor(spec.length) || 1);
    this.sampleRate = Number(spec.sampleRate) || 44100;
    this.duration = this.length / this.sampleRate;
    /** @type {Float32Array[]} */
    this.channels = spec.channels || Array.from({ length: this.numberOfChannels }, () => new Float32Array(this.length));
    /** Whether the host's copy may differ from these samples. */
    this.changed = !spec.channels;
  }

  /** @param {number} channel */
  getChannelData(channel) {
    const data = this.channels[channel];
    if (!data) throw new RangeError(`channel ${channel} does not exist`);
    this.changed = true; // the caller may write into it
    return data;
  }

  /** @param {Float32Array} source @param {number} channel @param {number} [start] */
  copyToChannel(source, channel, start = 0) {
    this.getChannelData(channel).set(source.subarray(0, Math.max(0, this.length - start)), start);
  }

  /** @param {Float32Array} destination @param {number} channel @param {number} [start] */
  copyFromChannel(destination, channel, start = 0) {
    destination.set(this.getChannelData(channel).subarray(start, start + destination.length));
  }
}

/** AudioParam methods that schedule values (all forwarded). */
const PARAM_METHODS = ['setValueAtTime', 'linearRampToValueAtTime', 'exponentialRampToValueAtTime', 'setTargetAtTime', 'setValueCurveAtTime', 'cancelScheduledValues', 'cancelAndHoldAtTime'];
/** Each node kind's AudioParams and plain properties (as Web Audio names them). */
const NODE_KINDS = /** @type {Record<string, {params: string[], props: string[], methods?: string[]}>} */ ({
  createGain: { params: ['gain'], props: [] },
  createOscillator: { params: ['frequency', 'detune'], props: ['type'], methods: ['start', 'stop', 'setPeriodicWave'] },
  createBufferSource: { params: ['playbackRate', 'detune'], props: ['buffer', 'loop', 'loopStart', 'loopEnd'], methods: ['start', 'stop'] },
  createConstantSource: { params: ['offset'], props: [], methods: ['start', 'stop'] },
  createBiquadFilter: { params: ['frequency', 'detune', 'Q', 'gain'], props: ['type'] },
  createDelay: { params: ['delayTime'], props: [] },
  createDynamicsCompressor: { params: ['threshold', 'knee', 'ratio', 'attack', 'release'], props: [] },
  createPanner: { params: ['positionX', 'positionY', 'positionZ', 'orientationX', 'orientationY', 'orientationZ'], props: ['panningModel', 'distanceModel', 'refDistance', 'maxDistance', 'rolloffFactor', 'coneInnerAngle', 'coneOuterAngle', 'coneOuterGain'], methods: ['setPosition', 'setOrientation'] },
  createWaveShaper: { params: [], props: ['curve', 'oversample'] },
  createAnalyser: { params: [], props: ['fftSize', 'minDecibels', 'maxDecibels', 'smoothingTimeConstant'] },
  createChannelMerger: { params: [], props: [] },
  createChannelSplitter: { params: [], props: [] },
  createIIRFilter: { params: [], props: [] },
  createScriptProcessor: { params: [], props: [] },
});
const COMMON_PROPS = ['channelCount', 'channelCountMode', 'channelInterpretation'];

/** A value as it travels to the host: stand-ins become references. @param {any} value @returns {any} */
function wire(value) {
  if (value instanceof WebAudioBuffer) return { __ref: value.id };
  if (value && typeof value === 'object' && typeof value.__id === 'number') return { __ref: value.__id };
  if (Array.isArray(value)) return value.map(wire);
  return value;
}

class WebAudioContext {
  constructor() {
    this.task = newTask(['statechange', 'ended']);
    this.id = this.task.id;
    /** @type {any[][]} */
    this.ops = [];
    this.flushing = false;
    this.clock = { time: 0, at: performance.now() };
    this.sampleRate = 44100;
    /** @type {'suspended' | 'running' | 'closed'} */
    this.stateValue = 'suspended';
    /** @type {Function | null} */
    this.onstatechange = null;
    /** @type {Map<number, any>} */
    this.sources = new Map();
    this.op(['open']);
    this.destination = this.node('destination', null, {}, []);
    this.listener = { __id: -1 };
    this.task.events.statechange.on((/** @type {any} */ res) => {
      this.answered(res);
      if (typeof this.onstatechange === 'function') guard(() => /** @type {Function} */ (this.onstatechange)({ type: 'statechange' }));
    });
    this.task.events.ended.on((/** @type {any} */ res) => {
      this.answered(res);
      const node = this.sources.get(res?.node);
      if (node && typeof node.onended === 'function') guard(() => node.onended({ type: 'ended' }));
    });
  }

  get state() {
    return this.stateValue;
  }

  get currentTime() {
    if (this.stateValue !== 'running') return this.clock.time;
    return this.clock.time + (performance.now() - this.clock.at) / 1000;
  }

  /** @param {any} res the host's answer: its clock and state */
  answered(res) {
    if (!res) return;
    if (typeof res.currentTime === 'number') this.clock = { time: res.currentTime, at: performance.now() };
    if (typeof res.sampleRate === 'number') this.sampleRate = res.sampleRate;
    if (res.state) this.stateValue = res.state;
  }

  /** Record an operation; they go to the host together at the end of this task. @param {any[]} op */
  op(op) {
    this.ops.push(op);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => this.flush());
  }

  /** @param {Record<string, any>} [extra] */
  flush(extra = {}) {
    this.flushing = false;
    const ops = this.ops;
    this.ops = [];
    if (!ops.length && !Object.keys(extra).length) return Promise.resolve({});
    const sent = /** @type {Promise<any>} */ (callHost('hutongWebAudio', { ctx: this.id, ops, ...extra }));
    return sent.then(
      (res) => {
        this.answered(res);
        return res;
      },
      (error) => {
        console.warn(`[hutong] WebAudioContext: ${error?.errMsg || error}`);
        throw error;
      },
    );
  }

  /**
   * A stand-in node: its params and properties, methods recorded as operations.
   * @param {string} kind @param {any} id @param {{params?: string[], props?: string[], methods?: string[]}} spec @param {any[]} args
   */
  node(kind, id, spec, args) {
    const ctx = this;
    const nodeId = id ?? nextObject++;
    if (kind !== 'destination') this.op(['new', nodeId, kind, args.map(wire)]);
    /** @type {Record<string, any>} */
    const node = {
      __id: nodeId,
      context: ctx,
      /** @param {any} target @param {number} [output] @param {number} [input] */
      connect(target, output, input) {
        ctx.op(['call', nodeId, 'connect', [wire(target), output ?? 0, ...(input === undefined ? [] : [input])]]);
        return target;
      },
      /** @param {any[]} rest */
      disconnect(...rest) {
        ctx.op(['call', nodeId, 'disconnect', rest.map(wire)]);
      },
      onended: null,
    };
    if (kind === 'destination') {
      node.maxChannelCount = 2;
      ctx.op(['destination', nodeId]);
    }
    for (const name of spec.params || []) {
      const paramId = nextObject++;
      ctx.op(['param', paramId, nodeId, name]);
      let value = 0;
      /** @type {Record<string, any>} */
      const param = {
        __id: paramId,
        get value() {
          return value;
        },
        set value(v) {
          value = Number(v);
          ctx.op(['set', paramId, 'value', value]);
        },
      };
      for (const method of PARAM_METHODS) {
        param[method] = (/** @type {any[]} */ ...a) => {
          ctx.op(['call', paramId, method, a.map(wire)]);
          return param;
        };
      }
      node[name] = param;
    }
    for (const name of [...(spec.props || []), ...COMMON_PROPS]) {
      let value = name === 'type' ? (kind === 'createOscillator' ? 'sine' : 'lowpass') : null;
      Object.defineProperty(node, name, {
        get: () => value,
        set: (v) => {
          value = v;
          if (v instanceof WebAudioBuffer) ctx.sendBuffer(v);
          ctx.op(['set', nodeId, name, wire(v)]);
        },
        enumerable: true,
      });
    }
    for (const method of spec.methods || []) {
      node[method] = (/** @type {any[]} */ ...a) => {
        if (method === 'start') {
          ctx.sources.set(nodeId, node);
          const buffer = node.buffer;
          if (buffer instanceof WebAudioBuffer) ctx.sendBuffer(buffer);
        }
        ctx.op(['call', nodeId, method, a.map(wire)]);
      };
    }
    if (kind === 'createAnalyser') {
      // Read synchronously in Web Audio; the samples are in the host page, so these leave the array as it is.
      node.frequencyBinCount = 1024;
      for (const method of ['getByteFrequencyData', 'getByteTimeDomainData', 'getFloatFrequencyData', 'getFloatTimeDomainData']) node[method] = () => {};
    }
    return node;
  }

  /** Copy a buffer's samples to the host, if they may have changed. @param {WebAudioBuffer} buffer */
  sendBuffer(buffer) {
    if (!buffer.changed) return;
    buffer.changed = false;
    this.op(['buffer', buffer.id, { numberOfChannels: buffer.numberOfChannels, length: buffer.length, sampleRate: buffer.sampleRate, channels: buffer.channels.map((c) => c.slice()) }]);
  }

  resume() {
    this.op(['call', 0, 'resume', []]);
    return this.flush().then(() => undefined);
  }

  suspend() {
    this.op(['call', 0, 'suspend', []]);
    return this.flush().then(() => undefined);
  }

  close() {
    this.op(['call', 0, 'close', []]);
    return this.flush().then(() => {
      this.task.done();
    });
  }

  /** @param {number} numberOfChannels @param {number} length @param {number} sampleRate */
  createBuffer(numberOfChannels, length, sampleRate) {
    return new WebAudioBuffer({ numberOfChannels, length, sampleRate });
  }

  /** @param {number[] | Float32Array} real @param {number[] | Float32Array} imag @param {any} [constraints] */
  createPeriodicWave(real, imag, constraints) {
    const id = nextObject++;
    this.op(['new', id, 'createPeriodicWave', [Array.from(real), Array.from(imag), constraints || {}]]);
    return { __id: id };
  }

  /**
   * Decoded by the host's AudioContext; the samples come back into this thread's AudioBuffer.
   * @param {ArrayBuffer | string} data bytes, or a path of the app's files
   * @param {Function} [success] @param {Function} [fail]
   */
  decodeAudioData(data, success, fail) {
    const bytes = typeof data === 'string' ? bytesOf(data) : data;
    const id = nextObject++;
    const done = this.flush({ decode: { id, bytes } }).then((res) => {
      const decoded = res.decoded;
      const buffer = new WebAudioBuffer({ numberOfChannels: decoded.numberOfChannels, length: decoded.length, sampleRate: decoded.sampleRate, channels: decoded.channels });
      buffer.id = id;
      return buffer;
    });
    done.then(
      (buffer) => typeof success === 'function' && guard(() => success(buffer)),
      (error) => typeof fail === 'function' && guard(() => fail(error)),
    );
    return done;
  }
}

for (const [kind, spec] of Object.entries(NODE_KINDS)) {
  Object.defineProperty(WebAudioContext.prototype, kind, {
    value(/** @type {any[]} */ ...args) {
      return this.node(kind, null, spec, args);
    },
  });
}

export function createWebAudioContext() {
  return new WebAudioContext();
}

export const audio = { createAudioContext, createWebAudioContext };
