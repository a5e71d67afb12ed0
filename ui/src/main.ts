import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { tauriApi } from '$lib/api';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

export default mount(App, { target, props: { api: tauriApi } });
