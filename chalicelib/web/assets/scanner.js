// Continuous QR scanning from the rear camera, for the desk and the kiosk.
//
// The browser's own BarcodeDetector is used where it reads QR codes (Android
// Chrome); elsewhere jsQR (vendor/, pinned) decodes the frames. jsQR is loaded
// only then, so a phone with BarcodeDetector never downloads it.

import { apiUrl } from "./common.js";

const JSQR = "/assets/jsQR-1.4.0.js";
const FRAME_EVERY_MS = 120;
const MAX_FRAME_WIDTH = 640; // enough for a badge at arm's length, cheap to decode

async function nativeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    return new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch {
    return null;
  }
}

let jsQRLoading = null;

function loadJsQR() {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  jsQRLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = apiUrl(JSQR);
    script.onload = () => resolve(window.jsQR);
    script.onerror = () => {
      jsQRLoading = null;
      reject(new Error("the QR decoder could not be loaded"));
    };
    document.head.append(script);
  });
  return jsQRLoading;
}

// A desk must be able to start scanning after the Wi-Fi has dropped, so the
// page fetches the decoder (where it is needed) while it opens. Resolves once it
// is loaded, or failed: startScanner tries again itself.
export async function preloadDecoder() {
  if (await nativeDetector()) return;
  try {
    await loadJsQR();
  } catch {
    // startScanner will try again
  }
}

// Starts the camera into `video` and calls onCode(text) for every QR code seen
// (the caller ignores repeats). Returns {stop()}. Throws if there is no camera
// or it was refused.
export async function startScanner(video, onCode) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.srcObject = stream;
  video.setAttribute("playsinline", "");
  video.muted = true;
  await video.play();

  const detector = await nativeDetector();
  const decode = detector ? null : await loadJsQR();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let running = true;
  let timer = null;

  async function frame() {
    if (!running) return;
    try {
      if (video.readyState >= 2 && video.videoWidth) {
        const text = detector ? await detectNative(detector, video) : detectJsQR(decode, video, canvas, context);
        if (text) onCode(text);
      }
    } catch {
      // A frame that cannot be read is skipped; the next one is tried.
    }
    if (running) timer = setTimeout(frame, FRAME_EVERY_MS);
  }
  frame();

  return {
    stop() {
      running = false;
      clearTimeout(timer);
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}

async function detectNative(detector, video) {
  const codes = await detector.detect(video);
  return codes.length ? codes[0].rawValue : null;
}

function detectJsQR(decode, video, canvas, context) {
  const scale = Math.min(1, MAX_FRAME_WIDTH / video.videoWidth);
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const found = decode(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
  return found ? found.data : null;
}
