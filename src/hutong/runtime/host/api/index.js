// @ts-check
/**
 * The host's side of the wx API families (one module each, as WeChat's documentation files them).
 * `callApi` in miniprogram.js looks a name up here when it is not one of its own (routing, bars).
 * Each handler takes the running MiniProgram and the call's arguments and returns the result's
 * fields (errMsg is added by the caller), or throws an Error whose message is the fail reason.
 */
import { address } from './address.js';
import { systemInfo, watchWindow } from './base.js';
import { camera, cameraViewMessages, followScreen } from './camera.js';
import { consent } from './consent.js';
import { coupons, couponViewMessages } from './coupons.js';
import { device, watchBattery, watchNetwork } from './device.js';
import { extras } from './extras.js';
import { files, loadFiles } from './files.js';
import { fonts } from './fonts.js';
import { interaction } from './interaction.js';
import { location } from './location.js';
import { log } from './log.js';
import { login } from './login.js';
import { media } from './media.js';
import { network } from './network.js';
import { open } from './open.js';
import { payment } from './payment.js';
import { phone } from './phone.js';
import { recorder, recorderFollowsApp } from './recorder.js';
import { profile, profileViewMessages } from './profile.js';
import { sensors } from './sensors.js';
import { share } from './share.js';
import { loadStorage, storage } from './storage.js';
import { subscribe } from './subscribe.js';
import { support } from './support.js';
import { webAudio } from './web-audio.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @type {Record<string, (mp: MiniProgram, args: Record<string, any>) => any>} */
export const hostApis = { ...interaction, ...network, ...storage, ...files, ...media, ...location, ...device, ...share, ...log, ...open, ...login, ...consent, ...profile, ...fonts, ...support, ...subscribe, ...payment, ...coupons, ...sensors, ...address, ...webAudio, ...extras, ...camera, ...recorder, ...phone };

/**
 * What page frames tell the host about built-ins that need it (`open-data`, `input type="nickname"`):
 * `onViewMessage` in miniprogram.js hands any message type named here to its handler.
 * @type {Record<string, (mp: MiniProgram, page: any, message: Record<string, any>) => void>}
 */
export const viewMessages = { ...profileViewMessages, ...couponViewMessages, ...cameraViewMessages };

/**
 * The page on screen may have changed (navigation, background, foreground, close): what only the page
 * on screen may use follows it (the camera closes out of sight; camera.js followScreen).
 * @param {MiniProgram} mp
 */
export function screenChanged(mp) {
  followScreen(mp);
  recorderFollowsApp(mp);
}

/**
 * What the logic thread needs before the app's code runs: system information, the app's storage
 * and files (for the sync forms). Starts watching what the app may listen to.
 * @param {MiniProgram} mp
 */
export async function launchData(mp) {
  const [storageEntries, fileEntries, battery] = await Promise.all([loadStorage(mp).catch(() => []), loadFiles(mp).catch(() => []), watchBattery(mp)]);
  for (const stop of [watchNetwork(mp), watchWindow(mp), battery.stop]) mp.whenClosed(stop);
  return { system: systemInfo(mp), storage: storageEntries, files: fileEntries, battery: battery.info };
}
