// @ts-check
/**
 * wx.getRecorderManager's microphone: the host's, as the camera is (a sandboxed frame's opaque origin
 * cannot open it). start asks scope.record on the consent sheet, opens getUserMedia({audio}) in the
 * host page and records with the browser's MediaRecorder; stop hands the app a temp file. The browser
 * has no MP3 encoder: `aac` and `mp3` are recorded as AAC in MP4 (.m4a) where the browser can, else
 * Opus in WebM; `wav` and `PCM` are that recording decoded to 16-bit PCM (a RIFF WAVE file, or the
 * bare samples). The recording stops by itself after `duration`, and when the app closes; it pauses
 * while the app is in the background (WeChat's interruption), and resumes when it is back.
 * Each event goes to the logic thread as a `recorder` message (logic/api/recorder.js).
 */
import { requireScope } from './consent.js';
import { newTempFile } from './transfer-files.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/**
 * @typedef {{recorder: MediaRecorder, stream: MediaStream, chunks: Blob[], format: string,
 *   sampleRate: number, channels: number, timer: number, startedAt: number, pausedFor: number,
 *   pausedAt: number, interrupted: boolean, frameSize: number, pending: number, sent: number,
 *   duration: number}} Recording
 */

/** @type {WeakMap<MiniProgram, Recording>} each app's recording under way */
const recordings = new WeakMap();

const FORMATS = new Set(['aac', 'mp3', 'wav', 'PCM']);
const MAX_DURATION = 600000;

/** @param {MiniProgram} mp @param {string} event @param {Record<string, any>} [res] */
function emit(mp, event, res = {}) {
  if (!mp.closed) mp.toLogic({ t: 'recorder', event, res });
}

/** The container MediaRecorder records into: AAC in MP4 where the browser has it. */
function containerType() {
  for (const type of ['audio/mp4;codecs=mp4a.40.2', 'audio/mp4', 'audio/webm;codecs=opus', 'audio/webm']) {
    if (MediaRecorder.isTypeSupported(type)) return type;
  }
  return '';
}

/** @param {Recording} rec */
function elapsed(rec) {
  const paused = rec.pausedAt ? performance.now() - rec.pausedAt : 0;
  return Math.round(performance.now() - rec.startedAt - rec.pausedFor - paused);
}

/** The app closed: its recording, if any, ends without a file. @param {MiniProgram} mp */
function dropRecording(mp) {
  const rec = recordings.get(mp);
  if (!rec) return;
  clearTimeout(rec.timer);
  if (rec.recorder.state !== 'inactive') rec.recorder.stop();
  for (const track of rec.stream.getTracks()) track.stop();
  recordings.delete(mp);
}

/**
 * The app may have left the screen or come back (miniprogram.js, through api/index.js screenChanged):
 * a recording under way pauses, as WeChat's is interrupted; the app resumes it. @param {MiniProgram} mp
 */
export function recorderFollowsApp(mp) {
  const rec = recordings.get(mp);
  if (!rec || mp.closed) return;
  const foreground = mp.foreground;
  if (!foreground && rec.recorder.state === 'recording') {
    rec.interrupted = true;
    clearTimeout(rec.timer);
    pause(rec);
    emit(mp, 'interruptionBegin');
    emit(mp, 'pause');
  } else if (foreground && rec.interrupted) {
    rec.interrupted = false;
    emit(mp, 'interruptionEnd');
  }
}

/** @param {Recording} rec */
function pause(rec) {
  rec.recorder.pause();
  rec.pausedAt = performance.now();
}

/** Little-endian 16-bit PCM of decoded audio, channels interleaved. @param {AudioBuffer} audio */
function pcm16(audio) {
  const channels = audio.numberOfChannels;
  const frames = audio.length;
  const out = new DataView(new ArrayBuffer(frames * channels * 2));
  const data = Array.from({ length: channels }, (_, c) => audio.getChannelData(c));
  for (let i = 0; i < frames; i += 1) {
    for (let c = 0; c < channels; c += 1) {
      const sample = Math.max(-1, Math.min(1, data[c][i]));
      out.setInt16((i * channels + c) * 2, sample < 0 ? sample * 0x8000 : sample * 0x7fff, true);
    }
  }
  return out.buffer;
}

/** A RIFF WAVE file around 16-bit PCM. @param {ArrayBuffer} samples @param {number} rate @param {number} channels */
function wave(samples, rate, channels) {
  const header = new DataView(new ArrayBuffer(44));
  const text = (/** @type {number} */ at, /** @type {string} */ s) => [...s].forEach((ch, i) => header.setUint8(at + i, ch.charCodeAt(0)));
  text(0, 'RIFF');
  header.setUint32(4, 36 + samples.byteLength, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true);
  header.setUint16(22, channels, true);
  header.setUint32(24, rate, true);
  header.setUint32(28, rate * channels * 2, true);
  header.setUint16(32, channels * 2, true);
  header.setUint16(34, 16, true);
  text(36, 'data');
  header.setUint32(40, samples.byteLength, true);
  return new Blob([header.buffer, samples]).arrayBuffer();
}

/**
 * The finished recording in the format asked for. @param {Recording} rec
 * @returns {Promise<{bytes: ArrayBuffer, type: string, name: string}>}
 */
async function encoded(rec) {
  const type = rec.recorder.mimeType.split(';')[0] || 'audio/webm';
  const recorded = await new Blob(rec.chunks, { type }).arrayBuffer();
  if (rec.format !== 'wav' && rec.format !== 'PCM') return { bytes: recorded, type, name: type === 'audio/mp4' ? 'audio.m4a' : 'audio.webm' };
  const context = new OfflineAudioContext(rec.channels, 1, rec.sampleRate);
  const audio = await context.decodeAudioData(recorded);
  const samples = pcm16(audio);
  if (rec.format === 'PCM') return { bytes: samples, type: 'application/octet-stream', name: 'audio.pcm' };
  return { bytes: await wave(samples, audio.sampleRate, audio.numberOfChannels), type: 'audio/wav', name: 'audio.wav' };
}

/** @param {MiniProgram} mp @param {Recording} rec */
async function finish(mp, rec) {
  if (recordings.get(mp) !== rec) return;
  recordings.delete(mp);
  clearTimeout(rec.timer);
  const duration = elapsed(rec);
  const stopped = new Promise((resolve) => rec.recorder.addEventListener('stop', resolve, { once: true }));
  if (rec.recorder.state !== 'inactive') rec.recorder.stop();
  await stopped;
  for (const track of rec.stream.getTracks()) track.stop();
  try {
    const { bytes, type, name } = await encoded(rec);
    const file = newTempFile(mp, bytes, type, name);
    emit(mp, 'stop', { tempFilePath: file.path, duration, fileSize: bytes.byteLength, bytes: file.bytes });
  } catch (error) {
    emit(mp, 'error', { errMsg: `operateRecorder:fail ${error instanceof Error ? error.message : error}` });
  }
}

export const recorder = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async 'hutong:recorderStart'(mp, args) {
    if (recordings.has(mp)) throw new Error('is recording or paused');
    const format = FORMATS.has(args.format) ? String(args.format) : 'aac';
    await requireScope(mp, 'scope.record');
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) throw new Error('not supported');
    const channels = Number(args.numberOfChannels) === 2 ? 2 : 1;
    const sampleRate = Number(args.sampleRate) || 8000;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: channels, sampleRate } }).catch(() => {
      throw new Error('system permission denied');
    });
    mp.whenClosed(dropRecording);
    const bitRate = Number(args.encodeBitRate) || 48000;
    const media = new MediaRecorder(stream, { mimeType: containerType(), audioBitsPerSecond: bitRate });
    /** @type {Recording} */
    const duration = Math.min(Math.max(Number(args.duration) || 60000, 1), MAX_DURATION);
    const rec = { recorder: media, stream, chunks: [], format, sampleRate, channels, timer: 0, startedAt: performance.now(), pausedFor: 0, pausedAt: 0, interrupted: false, frameSize: Number(args.frameSize) || 0, pending: 0, sent: 0, duration };
    media.addEventListener('dataavailable', (event) => {
      if (!event.data.size) return;
      rec.chunks.push(event.data);
      if (!rec.frameSize) return;
      // onFrameRecorded: the recording's bytes each time about frameSize KB more have come.
      rec.pending += event.data.size;
      if (rec.pending < rec.frameSize * 1024 && media.state !== 'inactive') return;
      rec.pending = 0;
      const isLastFrame = media.state === 'inactive';
      const fresh = rec.chunks.slice(rec.sent);
      rec.sent = rec.chunks.length;
      new Blob(fresh).arrayBuffer().then((frameBuffer) => emit(mp, 'frameRecorded', { frameBuffer, isLastFrame }));
    });
    recordings.set(mp, rec);
    media.start(rec.frameSize ? 100 : 1000);
    rec.timer = window.setTimeout(() => finish(mp, rec), duration);
    emit(mp, 'start');
    return {};
  },
  /** @param {MiniProgram} mp */
  'hutong:recorderPause'(mp) {
    const rec = recordings.get(mp);
    if (!rec || rec.recorder.state !== 'recording') throw new Error('is not recording');
    clearTimeout(rec.timer);
    pause(rec);
    emit(mp, 'pause');
    return {};
  },
  /** @param {MiniProgram} mp */
  'hutong:recorderResume'(mp) {
    const rec = recordings.get(mp);
    if (!rec || rec.recorder.state !== 'paused') throw new Error('is not paused');
    rec.pausedFor += performance.now() - rec.pausedAt;
    rec.pausedAt = 0;
    rec.interrupted = false;
    rec.recorder.resume();
    const left = Math.max(rec.duration - elapsed(rec), 0);
    rec.timer = window.setTimeout(() => finish(mp, rec), left);
    emit(mp, 'resume');
    return {};
  },
  /** @param {MiniProgram} mp */
  'hutong:recorderStop'(mp) {
    const rec = recordings.get(mp);
    if (!rec) throw new Error('is not recording');
    finish(mp, rec);
    return {};
  },
};
