// @ts-check
/**
 * Reading QR codes: the browser's BarcodeDetector where there is one (camera frames or a chosen image),
 * otherwise the platform reads the picture (POST /api/codes/read, zxing-cpp on the server).
 */
import { api } from './api.js';

/** @returns {any} a BarcodeDetector for QR codes, or null */
function detector() {
  const Detector = /** @type {any} */ (globalThis).BarcodeDetector;
  if (!Detector) return null;
  try {
    return new Detector({ formats: ['qr_code'] });
  } catch {
    return null;
  }
}

/** @param {Blob} image @returns {Promise<string[]>} */
async function readOnServer(image) {
  const form = new FormData();
  form.append('image', image, 'scan.png');
  const found = await api('/api/codes/read', { method: 'POST', body: form });
  return found.map((/** @type {{text: string}} */ item) => item.text);
}

/** Every QR code's text in a chosen image. @param {Blob} file @returns {Promise<string[]>} */
export async function readImage(file) {
  const local = detector();
  if (local) {
    try {
      const bitmap = await createImageBitmap(file);
      const codes = await local.detect(bitmap);
      if (codes.length) return codes.map((/** @type {any} */ code) => String(code.rawValue));
    } catch {
      // Fall through to the platform, which reads more kinds of picture.
    }
  }
  return readOnServer(file);
}

/** A live camera scan; resolves with the first code's text, or null when stopped. */
export class CameraScan {
  /** @param {HTMLVideoElement} video */
  constructor(video) {
    this.video = video;
    /** @type {MediaStream | null} */
    this.stream = null;
    this.stopped = false;
  }

  /** Whether this browser can scan from a camera at all. */
  static available() {
    return Boolean(navigator.mediaDevices?.getUserMedia);
  }

  /** @returns {Promise<string | null>} */
  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    this.video.srcObject = this.stream;
    this.video.hidden = false;
    await this.video.play();
    const local = detector();
    const canvas = document.createElement('canvas');
    while (!this.stopped) {
      try {
        if (local) {
          const codes = await local.detect(this.video);
          if (codes.length) return String(codes[0].rawValue);
          await sleep(150);
        } else {
          // No detector here: send a frame a second to the platform.
          canvas.width = this.video.videoWidth;
          canvas.height = this.video.videoHeight;
          canvas.getContext('2d')?.drawImage(this.video, 0, 0);
          const frame = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
          const texts = frame ? await readOnServer(/** @type {Blob} */ (frame)) : [];
          if (texts.length) return texts[0];
          await sleep(1200);
        }
      } catch {
        await sleep(500);
      }
    }
    return null;
  }

  stop() {
    this.stopped = true;
    for (const track of this.stream?.getTracks() || []) track.stop();
    this.video.srcObject = null;
    this.video.hidden = true;
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
