// @ts-check
/** Every built-in component with script, defined as a custom element in the page frame (see registry.js). */
import './base.js';
import './basic.js';
import './fields.js';
import './legacy.js';
import './form.js';
import './map.js';
import './media.js';
import './picker-view.js';
import './picker.js';
import './platform.js';
import './plugins.js';
import './regions.js';
import './registry.js';
import './scroll.js';
import './skyline.js';
import './swiper.js';
