// @ts-check
/**
 * The account's profile in the shell: the nickname and avatar the host offers to mini programs
 * (getUserProfile, chooseAvatar, the nickname input, open-data), only ever with the user's consent.
 */
import { api } from './api.js';

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Fill the profile form for the signed-in user. */
export async function loadProfile() {
  const form = /** @type {HTMLFormElement} */ ($('profile-form'));
  const nickname = /** @type {HTMLInputElement} */ (form.elements.namedItem('nickname'));
  const status = $('profile-status');
  status.textContent = '';
  try {
    const profile = await api('/api/me/profile');
    nickname.value = profile.nickname;
    showAvatar(profile.avatar_url);
  } catch (error) {
    status.textContent = error instanceof Error ? error.message : String(error);
  }
}

/** @param {string} url */
function showAvatar(url) {
  const image = /** @type {HTMLImageElement} */ ($('profile-avatar'));
  image.hidden = !url;
  if (url) image.src = url;
  else image.removeAttribute('src');
}

export function setupProfile() {
  const form = /** @type {HTMLFormElement} */ ($('profile-form'));
  const status = $('profile-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const nickname = String(new FormData(form).get('nickname') || '');
    const file = /** @type {HTMLInputElement} */ (form.elements.namedItem('avatar')).files?.[0];
    try {
      let profile = await api('/api/me/profile', { method: 'PUT', json: { nickname } });
      if (file) profile = await api('/api/me/profile/avatar', { method: 'PUT', body: file });
      showAvatar(profile.avatar_url);
      status.textContent = 'Saved';
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  });
}
