// @ts-check
/**
 * The redemption page's camera scanner: where the browser has both a camera (getUserMedia) and the
 * Shape Detection API's BarcodeDetector (Chrome on Android, macOS and ChromeOS; not on Linux or
 * Windows desktops, nor Firefox or Safari), "Scan with the camera" reads the user's QR code or Code 128
 * barcode from the video, puts it in the code field and submits the form as if typed. Elsewhere the
 * button stays hidden and the page says so: the field takes a USB scanner's keystrokes or typing.
 * Frames are read a few times a second, not every frame: a phone's CPU has a till to run too.
 */
const FORMATS = ['qr_code', 'code_128'];
const EVERY_MS = 200;

/** @returns {Promise<any>} a BarcodeDetector for the codes coupons use, or null */
async function detector() {
  const Detector = /** @type {any} */ (globalThis).BarcodeDetector;
  if (!Detector || !navigator.mediaDevices?.getUserMedia) return null;
  try {
    const supported = typeof Detector.getSupportedFormats === 'function' ? await Detector.getSupportedFormats() : FORMATS;
    const formats = FORMATS.filter((format) => supported.includes(format));
    return formats.length ? new Detector({ formats }) : null;
  } catch {
    return null;
  }
}

async function start() {
  const form = /** @type {HTMLFormElement | null} */ (document.getElementById('redeem'));
  const field = /** @type {HTMLInputElement | null} */ (document.getElementById('code'));
  const button = /** @type {HTMLButtonElement | null} */ (document.getElementById('camera-scan'));
  const note = document.getElementById('camera-note');
  const video = /** @type {HTMLVideoElement | null} */ (document.getElementById('camera-video'));
  if (!form || !field || !button || !note || !video) return;
  const reader = await detector();
  if (!reader) {
    note.textContent = 'No camera scanner in this browser: scan with a USB scanner or type the code.';
    note.hidden = false;
    return;
  }
  button.hidden = false;
  button.addEventListener('click', async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (error) {
      note.textContent = `The camera could not start (${/** @type {Error} */ (error).name || error}): scan with a USB scanner or type the code.`;
      note.hidden = false;
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    button.disabled = true;
    await video.play().catch(() => {});
    const stop = () => {
      for (const track of stream.getTracks()) track.stop();
      video.hidden = true;
      button.disabled = false;
    };
    const look = async () => {
      let found = [];
      try {
        found = await reader.detect(video);
      } catch {
        // A frame not ready yet: try the next one.
      }
      const code = found.map((/** @type {{rawValue: string}} */ hit) => hit.rawValue.replace(/\s/g, '')).find(Boolean);
      if (!code) return void setTimeout(look, EVERY_MS);
      stop();
      field.value = code;
      form.requestSubmit();
    };
    look();
  });
}

start();
