import { mount } from 'svelte';
import '../../assets/app.css';
import { followColorScheme } from '../../lib/theme.ts';
import App from './App.svelte';

followColorScheme();
mount(App, { target: document.getElementById('app')! });
