// @ts-check
/**
 * The members WeChat documents for each object a `wx` factory returns (contexts, managers, tasks), as
 * declared by miniprogram-api-typings 5.2.1 (types/wx/lib.wx.api.d.ts): the methods of the interface each
 * factory returns. tests/test_runtime_members.py creates every object the runtime has and compares.
 * @type {Record<string, string[]>}
 */
export const FACTORY_MEMBERS = {
  connectSocket: ['close', 'onClose', 'onError', 'onMessage', 'onOpen', 'send'],
  createAnimation: [
    'backgroundColor', 'bottom', 'export', 'height', 'left', 'matrix', 'matrix3d', 'opacity', 'right',
    'rotate', 'rotate3d', 'rotateX', 'rotateY', 'rotateZ', 'scale', 'scale3d', 'scaleX', 'scaleY', 'scaleZ',
    'skew', 'skewX', 'skewY', 'step', 'top', 'translate', 'translate3d', 'translateX', 'translateY',
    'translateZ', 'width',
  ],
  createAudioContext: ['pause', 'play', 'seek', 'setSrc'],
  createCacheManager: [
    'addRule', 'addRules', 'clearCaches', 'clearRules', 'deleteCache', 'deleteCaches', 'deleteRule',
    'deleteRules', 'match', 'off', 'on', 'start', 'stop',
  ],
  createCameraContext: ['onCameraFrame', 'setZoom', 'startRecord', 'stopRecord', 'takePhoto'],
  createCanvasContext: [
    'arc', 'arcTo', 'beginPath', 'bezierCurveTo', 'clearRect', 'clip', 'closePath', 'createCircularGradient',
    'createLinearGradient', 'createPattern', 'draw', 'drawImage', 'fill', 'fillRect', 'fillText', 'lineTo',
    'measureText', 'moveTo', 'quadraticCurveTo', 'rect', 'restore', 'rotate', 'save', 'scale', 'setFillStyle',
    'setFontSize', 'setGlobalAlpha', 'setLineCap', 'setLineDash', 'setLineJoin', 'setLineWidth',
    'setMiterLimit', 'setShadow', 'setStrokeStyle', 'setTextAlign', 'setTextBaseline', 'setTransform',
    'stroke', 'strokeRect', 'strokeText', 'transform', 'translate',
  ],
  createGlobalPayment: ['abort', 'openMethodPicker', 'requestGlobalPayment'],
  createInferenceSession: ['destroy', 'offError', 'offLoad', 'onError', 'onLoad', 'run'],
  createInnerAudioContext: [
    'destroy', 'offCanplay', 'offEnded', 'offError', 'offPause', 'offPlay', 'offSeeked', 'offSeeking',
    'offStop', 'offTimeUpdate', 'offWaiting', 'onCanplay', 'onEnded', 'onError', 'onPause', 'onPlay',
    'onSeeked', 'onSeeking', 'onStop', 'onTimeUpdate', 'onWaiting', 'pause', 'play', 'seek', 'stop',
  ],
  createIntersectionObserver: ['disconnect', 'observe', 'relativeTo', 'relativeToViewport'],
  createInterstitialAd: [
    'destroy', 'load', 'offClose', 'offError', 'offLoad', 'onClose', 'onError', 'onLoad', 'show',
  ],
  createLivePlayerContext: [
    'exitBackgroundPlayback', 'exitCasting', 'exitFullScreen', 'exitPictureInPicture', 'mute', 'pause',
    'play', 'reconnectCasting', 'requestBackgroundPlayback', 'requestFullScreen', 'resume', 'snapshot',
    'startCasting', 'stop', 'switchCasting',
  ],
  createLivePusherContext: [
    'applyBlusherStickMakeup', 'applyEyeBrowMakeup', 'applyEyeShadowMakeup', 'applyFaceContourMakeup',
    'applyFilter', 'applyLipStickMakeup', 'applySticker', 'clearFilters', 'clearMakeups', 'clearStickers',
    'createOffscreenCanvas', 'exitPictureInPicture', 'getMaxZoom', 'onCustomRendererEvent', 'pause',
    'pauseBGM', 'playBGM', 'resume', 'resumeBGM', 'sendMessage', 'setBGMVolume', 'setMICVolume', 'setZoom',
    'snapshot', 'start', 'startPreview', 'stop', 'stopBGM', 'stopPreview', 'switchCamera', 'toggleTorch',
  ],
  createMapContext: [
    'addArc', 'addCustomLayer', 'addGroundOverlay', 'addMarkers', 'addVisualLayer', 'eraseLines',
    'executeVisualLayerCommand', 'fromScreenLocation', 'getCenterLocation', 'getRegion', 'getRotate',
    'getScale', 'getSkew', 'includePoints', 'initMarkerCluster', 'moveAlong', 'moveToLocation', 'on',
    'openMapApp', 'removeArc', 'removeCustomLayer', 'removeGroundOverlay', 'removeMarkers',
    'removeVisualLayer', 'setBoundary', 'setCenterOffset', 'setLocMarkerIcon', 'toScreenLocation',
    'translateMarker', 'updateGroundOverlay',
  ],
  createMediaAudioPlayer: ['addAudioSource', 'destroy', 'removeAudioSource', 'start', 'stop'],
  createMediaContainer: ['addTrack', 'destroy', 'export', 'extractDataSource', 'removeTrack'],
  createMediaRecorder: ['destroy', 'off', 'on', 'pause', 'requestFrame', 'resume', 'start', 'stop'],
  createOffscreenCanvas: ['createImage', 'getContext'],
  createRewardedVideoAd: [
    'destroy', 'load', 'offClose', 'offError', 'offLoad', 'onClose', 'onError', 'onLoad', 'show',
  ],
  createSelectorQuery: ['exec', 'in', 'select', 'selectAll', 'selectViewport'],
  createTCPSocket: [
    'bindWifi', 'close', 'connect', 'offBindWifi', 'offClose', 'offConnect', 'offError', 'offMessage',
    'onBindWifi', 'onClose', 'onConnect', 'onError', 'onMessage', 'write',
  ],
  createUDPSocket: [
    'bind', 'close', 'connect', 'offClose', 'offError', 'offListening', 'offMessage', 'onClose', 'onError',
    'onListening', 'onMessage', 'send', 'setTTL', 'write',
  ],
  createVKSession: [
    'addMarker', 'addOSDMarker', 'cancelAnimationFrame', 'destroy', 'detectBody', 'detectDepth', 'detectFace',
    'detectHand', 'getAllMarker', 'getAllOSDMarker', 'getVKFrame', 'hitTest', 'off', 'on', 'removeMarker',
    'removeOSDMarker', 'requestAnimationFrame', 'runOCR', 'setDepthOccRange', 'start', 'stop', 'update3DMode',
    'updateMaskMode', 'updateOSDThreshold',
  ],
  createVideoContext: [
    'exitBackgroundPlayback', 'exitCasting', 'exitFullScreen', 'exitPictureInPicture', 'hideStatusBar',
    'pause', 'play', 'playbackRate', 'reconnectCasting', 'requestBackgroundPlayback', 'requestFullScreen',
    'seek', 'sendDanmu', 'showStatusBar', 'startCasting', 'stop', 'switchCasting',
  ],
  createVideoDecoder: ['getFrameData', 'off', 'on', 'remove', 'seek', 'start', 'stop'],
  createWebAudioContext: [
    'close', 'createAnalyser', 'createBiquadFilter', 'createBuffer', 'createBufferSource',
    'createChannelMerger', 'createChannelSplitter', 'createConstantSource', 'createDelay',
    'createDynamicsCompressor', 'createGain', 'createIIRFilter', 'createOscillator', 'createPanner',
    'createPeriodicWave', 'createScriptProcessor', 'createWaveShaper', 'decodeAudioData', 'resume', 'suspend',
  ],
  createWorker: [
    'getCameraFrameData', 'onError', 'onMessage', 'onProcessKilled', 'postMessage', 'terminate',
    'testOnProcessKilled',
  ],
  downloadFile: ['abort', 'offHeadersReceived', 'offProgressUpdate', 'onHeadersReceived', 'onProgressUpdate'],
  getBackgroundAudioManager: [
    'onCanplay', 'onEnded', 'onError', 'onNext', 'onPause', 'onPlay', 'onPrev', 'onSeeked', 'onSeeking',
    'onStop', 'onTimeUpdate', 'onWaiting', 'pause', 'play', 'seek', 'stop',
  ],
  getFileSystemManager: [
    'access', 'accessSync', 'appendFile', 'appendFileSync', 'close', 'closeSync', 'copyFile', 'copyFileSync',
    'fstat', 'fstatSync', 'ftruncate', 'ftruncateSync', 'getFileInfo', 'getSavedFileList', 'mkdir',
    'mkdirSync', 'open', 'openSync', 'read', 'readCompressedFile', 'readCompressedFileSync', 'readFile',
    'readFileSync', 'readSync', 'readZipEntry', 'readdir', 'readdirSync', 'removeSavedFile', 'rename',
    'renameSync', 'rmdir', 'rmdirSync', 'saveFile', 'saveFileSync', 'stat', 'statSync', 'truncate',
    'truncateSync', 'unlink', 'unlinkSync', 'unzip', 'write', 'writeFile', 'writeFileSync', 'writeSync',
  ],
  getLogManager: ['debug', 'info', 'log', 'warn'],
  getNFCAdapter: [
    'getIsoDep', 'getMifareClassic', 'getMifareUltralight', 'getNdef', 'getNfcA', 'getNfcB', 'getNfcF',
    'getNfcV', 'offDiscovered', 'onDiscovered', 'startDiscovery', 'stopDiscovery',
  ],
  getPerformance: ['createObserver', 'getEntries', 'getEntriesByName', 'getEntriesByType', 'setBufferSize'],
  getRealtimeLogManager: [
    'addFilterMsg', 'error', 'getCurrentState', 'in', 'info', 'setFilterMsg', 'tag', 'warn',
  ],
  getRecorderManager: [
    'onError', 'onFrameRecorded', 'onInterruptionBegin', 'onInterruptionEnd', 'onPause', 'onResume',
    'onStart', 'onStop', 'pause', 'resume', 'start', 'stop',
  ],
  getUpdateManager: ['applyUpdate', 'onCheckForUpdate', 'onUpdateFailed', 'onUpdateReady'],
  getUserCryptoManager: ['getLatestUserKey', 'getRandomValues'],
  request: ['abort', 'offChunkReceived', 'offHeadersReceived', 'onChunkReceived', 'onHeadersReceived'],
  uploadFile: ['abort', 'offHeadersReceived', 'offProgressUpdate', 'onHeadersReceived', 'onProgressUpdate'],
};

/**
 * The second level: members of the objects that methods of those objects return (a SelectorQuery's
 * NodesRef, a canvas context's CanvasGradient, a FileSystemManager's Stats, …), from the same typings,
 * keyed `factory.method` as tests/apps/members makes them.
 * @type {Record<string, string[]>}
 */
export const NESTED_MEMBERS = {
  'createCanvasContext.createCircularGradient': ['addColorStop'],
  'createCanvasContext.createLinearGradient': ['addColorStop'],
  'createSelectorQuery.select': ['boundingClientRect', 'context', 'fields', 'node', 'ref', 'scrollOffset'],
  'createSelectorQuery.selectAll': ['boundingClientRect', 'context', 'fields', 'node', 'ref', 'scrollOffset'],
  'createSelectorQuery.selectViewport': ['boundingClientRect', 'context', 'fields', 'node', 'ref', 'scrollOffset'],
  'getFileSystemManager.fstatSync': ['isDirectory', 'isFile'],
  'getFileSystemManager.statSync': ['isDirectory', 'isFile'],
  'getPerformance.createObserver': ['disconnect', 'observe'],
  'getRealtimeLogManager.tag': ['addFilterMsg', 'error', 'info', 'setFilterMsg', 'warn'],
};
