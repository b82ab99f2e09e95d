// @ts-check
/**
 * Skyline's layout components, drawn with the web's own layout so pages written for Skyline still
 * read well here: list-view (a block list), grid-view (CSS grid, or columns for masonry),
 * sticky-section and sticky-header (position: sticky), span (inline), snapshot and selection
 * (containers). Their styles are in builtins.css; grid-view needs script for its attributes.
 */
import { Builtin, define, num } from './base.js';

class GridView extends Builtin {
  static observed = ['type', 'cross-axis-count', 'main-axis-gap', 'cross-axis-gap', 'max-cross-axis-extent'];

  render() {
    const count = Math.max(1, num(this, 'cross-axis-count', 2));
    const mainGap = num(this, 'main-axis-gap', 0);
    const crossGap = num(this, 'cross-axis-gap', 0);
    const extent = num(this, 'max-cross-axis-extent', 0);
    const masonry = this.getAttribute('type') === 'masonry';
    this.style.setProperty('--hutong-grid-count', String(count));
    this.style.setProperty('--hutong-grid-main-gap', `${mainGap}px`);
    this.style.setProperty('--hutong-grid-cross-gap', `${crossGap}px`);
    this.style.setProperty('--hutong-grid-template', extent > 0 ? `repeat(auto-fill, minmax(0, ${extent}px))` : `repeat(${count}, minmax(0, 1fr))`);
    this.toggleAttribute('hutong-masonry', masonry);
  }
}
define('wx-grid-view', GridView);
