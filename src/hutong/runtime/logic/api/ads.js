// @ts-check
/**
 * Interstitial and rewarded video ads: the platform serves no ads, so each ad object behaves as
 * WeChat's does when there is none to show (error code 1004): onError fires after the automatic
 * load, load() and show() reject. Apps that call `createInterstitialAd(...).show()` keep running.
 */
import { listeners } from './shape.js';

const NO_AD = { errCode: 1004, errMsg: 'no advertisement' };

/** @param {string} kind */
function createAd(kind) {
  const loaded = listeners();
  const errors = listeners();
  const closed = listeners();
  let destroyed = false;
  const failure = (/** @type {string} */ method) => {
    const res = { errMsg: `${kind}.${method}:fail ${NO_AD.errMsg}`, errCode: NO_AD.errCode };
    if (!destroyed) errors.emit(res);
    return Promise.reject(res);
  };
  // WeChat loads an ad as soon as it is created: with none to serve, onError hears so.
  setTimeout(() => {
    if (!destroyed) errors.emit({ errMsg: `${kind}:fail ${NO_AD.errMsg}`, errCode: NO_AD.errCode });
  }, 0);
  return {
    load: () => failure('load'),
    show: () => failure('show'),
    destroy: () => {
      destroyed = true;
    },
    onLoad: loaded.on,
    offLoad: loaded.off,
    onError: errors.on,
    offError: errors.off,
    onClose: closed.on,
    offClose: closed.off,
  };
}

export const ads = {
  createInterstitialAd: () => createAd('InterstitialAd'),
  createRewardedVideoAd: () => createAd('RewardedVideoAd'),
};
