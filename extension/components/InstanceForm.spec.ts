import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import type { Component, ComponentProps } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Draft } from '../lib/state/options-state.svelte.ts';
import { instance } from '../test/snapshot.factory.ts';
import InstanceFormHarness from './InstanceFormHarness.test.svelte';
import InstanceItem from './InstanceItem.svelte';
import PageHarness from './PageHarness.test.svelte';

const harness = (component: unknown, props: Record<string, unknown>) =>
  render(PageHarness, { props: { component: component as Component<Record<string, unknown>>, props } });

const draft = (overrides: Partial<Draft> = {}): Draft => ({
  id: null,
  name: '',
  immichUrl: 'https://photos.example.com',
  bridgeUrl: '',
  token: '',
  ...overrides,
});

const renderForm = (props: Omit<ComponentProps<typeof InstanceFormHarness>, 'onSave' | 'onCancel'>) =>
  render(InstanceFormHarness, { props: { onSave: vi.fn(), onCancel: vi.fn(), ...props } });

describe('options: an instance without a bridge', () => {
  afterEach(cleanup);

  it('offers the bridge as optional, says what works without it, and tests no connection', () => {
    renderForm({ draft: draft(), errors: {}, test: undefined, onTest: vi.fn() });
    const form = screen.getByTestId('instance-form');
    expect(form.textContent).toContain('Optional. Without a bridge, the extension uses Immich’s own API');
    expect(form.textContent).toContain('The bridge gives exact ages and recovery.');
    expect(screen.queryByRole('button', { name: 'Test connection' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Save and grant access' })).toBeTruthy();
  });

  it('offers the connection test once a bridge URL is typed in, and shows a field error', async () => {
    const error = "Enter the bridge's URL for this token, or clear the token to use Immich's own API.";
    const onTest = vi.fn();
    const { container } = renderForm({
      draft: draft({ token: 'tok' }),
      errors: { bridgeUrl: error },
      test: undefined,
      onTest,
    });
    expect(screen.getByText(error)).toBeTruthy();
    await fireEvent.input(container.querySelector('input[name="bridgeUrl"]')!, {
      target: { value: 'http://nas.lan:2285' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(onTest).toHaveBeenCalledOnce();
  });

  it('lists a saved instance without a bridge as using Immich’s own API', () => {
    const props = {
      granted: true,
      test: undefined,
      message: undefined,
      onEdit: vi.fn(),
      onRemove: vi.fn(),
      onGrant: vi.fn(),
      onTest: vi.fn(),
    };
    harness(InstanceItem, { instance: instance({ bridgeUrl: '', token: '' }), ...props });
    expect(screen.getByTestId('no-bridge').textContent).toBe('No bridge: Immich’s own API, observed ages');
    expect(screen.queryByText(/^Bridge /)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Test connection' })).toBeNull();
  });
});
