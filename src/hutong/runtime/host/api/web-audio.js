// @ts-check
/**
 * wx.createWebAudioContext, the host's half: a real AudioContext per WebAudioContext of the app, built
 * from the operations the logic thread records (logic/api/audio.js) and sent once per task. Only what
 * Web Audio offers for sound is reachable: node factories, connect/disconnect, start/stop, AudioParam
 * scheduling and the properties of each node, all named in allow-lists; nothing else of the host page
 * can be named by an operation. Decoding happens here and the samples go back to the app.
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const FACTORIES = new Set(['createGain', 'createOscillator', 'createBufferSource', 'createConstantSource', 'createBiquadFilter', 'createDelay', 'createDynamicsCompressor', 'createPanner', 'createWaveShaper', 'createAnalyser', 'createChannelMerger', 'createChannelSplitter', 'createIIRFilter', 'createScriptProcessor', 'createPeriodicWave']);
const METHODS = new Set(['connect', 'disconnect', 'start', 'stop', 'setPeriodicWave', 'setPosition', 'setOrientation', 'setValueAtTime', 'linearRampToValueAtTime', 'exponentialRampToValueAtTime', 'setTargetAtTime', 'setValueCurveAtTime', 'cancelScheduledValues', 'cancelAndHoldAtTime']);
const CONTEXT_METHODS = new Set(['resume', 'suspend', 'close']);
const PARAMS = new Set(['gain', 'frequency', 'detune', 'Q', 'delayTime', 'playbackRate', 'offset', 'threshold', 'knee', 'ratio', 'attack', 'release', 'positionX', 'positionY', 'positionZ', 'orientationX', 'orientationY', 'orientationZ']);
const PROPS = new Set(['value', 'type', 'buffer', 'loop', 'loopStart', 'loopEnd', 'curve', 'oversample', 'fftSize', 'minDecibels', 'maxDecibels', 'smoothingTimeConstant', 'panningModel', 'distanceModel', 'refDistance', 'maxDistance', 'rolloffFactor', 'coneInnerAngle', 'coneOuterAngle', 'coneOuterGain', 'channelCount', 'channelCountMode', 'channelInterpretation']);
/** Enough for any honest use; an app making more is refused rather than let to exhaust the host. */
const MAX_OBJECTS = 2000;
const MAX_CONTEXTS = 6;

/** @typedef {{audio: AudioContext, objects: Map<number, any>}} Graph */
/** @type {WeakMap<MiniProgram, Map<number, Graph>>} */
const graphs = new WeakMap();

/** @param {Graph} graph @param {any} value @returns {any} */
function resolve(graph, value) {
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value) && typeof value.__ref === 'number') {
    const found = graph.objects.get(value.__ref);
    if (found === undefined) throw new Error(`no Web Audio object ${value.__ref}`);
    return found;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(graph, v));
  return value;
}

/** @param {MiniProgram} mp @param {number} ctx @param {string} type @param {any} res */
function emit(mp, ctx, type, res) {
  mp.worker?.postMessage({ t: 'api:event', task: ctx, type, res });
}

/** @param {Graph} graph */
function clock(graph) {
  return { state: graph.audio.state, currentTime: graph.audio.currentTime, sampleRate: graph.audio.sampleRate };
}

/** @param {MiniProgram} mp @param {number} ctx @param {Graph} graph @param {any[]} op */
function apply(mp, ctx, graph, op) {
  const [kind, id] = op;
  const store = (/** @type {number} */ key, /** @type {any} */ value) => {
    if (graph.objects.size >= MAX_OBJECTS) throw new Error('too many Web Audio objects');
    graph.objects.set(key, value);
  };
  switch (kind) {
    case 'destination':
      store(id, graph.audio.destination);
      break;
    case 'new': {
      const factory = String(op[2]);
      if (!FACTORIES.has(factory)) throw new Error(`${factory} is not a Web Audio factory`);
      const args = resolve(graph, op[3] || []);
      const made = factory === 'createPeriodicWave' ? graph.audio.createPeriodicWave(Float32Array.from(args[0]), Float32Array.from(args[1]), args[2]) : /** @type {any} */ (graph.audio)[factory](...args);
      // The clock goes with it: the logic thread's currentTime is only an estimate between answers.
      if ('onended' in made) made.onended = () => emit(mp, ctx, 'ended', { node: id, ...clock(graph) });
      store(id, made);
      break;
    }
    case 'param': {
      const name = String(op[3]);
      const node = graph.objects.get(op[2]);
      if (!PARAMS.has(name) || !(node?.[name] instanceof AudioParam)) throw new Error(`no AudioParam ${name}`);
      store(id, node[name]);
      break;
    }
    case 'buffer': {
      const spec = op[2];
      const buffer = graph.audio.createBuffer(spec.numberOfChannels, spec.length, spec.sampleRate);
      spec.channels.forEach((/** @type {Float32Array} */ data, /** @type {number} */ channel) => buffer.copyToChannel(Float32Array.from(data), channel));
      store(id, buffer);
      break;
    }
    case 'set': {
      const prop = String(op[2]);
      const target = graph.objects.get(id);
      if (!PROPS.has(prop) || !target || !(prop in target)) throw new Error(`cannot set ${prop}`);
      const value = resolve(graph, op[3]);
      target[prop] = prop === 'curve' && Array.isArray(value) ? Float32Array.from(value) : value;
      break;
    }
    case 'call': {
      const method = String(op[2]);
      if (id === 0) {
        if (!CONTEXT_METHODS.has(method)) throw new Error(`${method} is not a context method`);
        return /** @type {any} */ (graph.audio)[method]();
      }
      const target = graph.objects.get(id);
      if (!METHODS.has(method) || typeof target?.[method] !== 'function') throw new Error(`cannot call ${method}`);
      const args = resolve(graph, op[3] || []);
      target[method](...args.map((/** @type {any} */ a) => (Array.isArray(a) && method === 'setValueCurveAtTime' ? Float32Array.from(a) : a)));
      break;
    }
    default:
      break;
  }
  return undefined;
}

export const webAudio = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async hutongWebAudio(mp, args) {
    let mine = graphs.get(mp);
    if (!mine) graphs.set(mp, (mine = new Map()));
    const ctx = Number(args.ctx);
    let graph = mine.get(ctx);
    const ops = Array.isArray(args.ops) ? args.ops : [];
    if (!graph) {
      if (!ops.some((op) => op[0] === 'open')) throw new Error('no such WebAudioContext');
      if (mine.size >= MAX_CONTEXTS) throw new Error('too many WebAudioContexts: close one first');
      const audio = new AudioContext();
      const made = { audio, objects: new Map() };
      graph = made;
      mine.set(ctx, made);
      audio.onstatechange = () => emit(mp, ctx, 'statechange', clock(made));
      mp.whenClosed(() => audio.close().catch(() => {}));
    }
    /** @type {Promise<any>[]} */
    const waits = [];
    for (const op of ops) {
      if (!Array.isArray(op) || op[0] === 'open') continue;
      const waiting = apply(mp, ctx, graph, op);
      if (waiting) waits.push(waiting);
    }
    await Promise.all(waits);
    if (graph.audio.state === 'closed') mine.delete(ctx);
    /** @type {Record<string, any>} */
    const res = clock(graph);
    if (args.decode) {
      const decoded = await graph.audio.decodeAudioData(args.decode.bytes instanceof ArrayBuffer ? args.decode.bytes : new Uint8Array(args.decode.bytes || []).buffer);
      graph.objects.set(Number(args.decode.id), decoded);
      res.decoded = {
        numberOfChannels: decoded.numberOfChannels,
        length: decoded.length,
        sampleRate: decoded.sampleRate,
        channels: Array.from({ length: decoded.numberOfChannels }, (_, i) => decoded.getChannelData(i).slice()),
      };
    }
    return res;
  },
};
