import { describe, expect, it } from 'vitest';
import { onShift, type ShiftConfig } from '../../domain/shifts.js';
import { at } from './support/time.js';

const config: ShiftConfig = {
  shifts: [
    {
      name: 'APAC',
      timezone: 'Asia/Singapore',
      start: '08:00',
      end: '16:00',
      days: [1, 2, 3, 4, 5],
      slackGroup: 'it-helpdesk-apac',
      rotation: [['aiko'], ['ravi']],
      rotationStart: '2024-01-01',
    },
    {
      name: 'Night',
      timezone: 'Europe/London',
      start: '22:00',
      end: '06:00',
      days: [1, 2, 3, 4, 5],
      slackGroup: 'it-helpdesk-night',
      rotation: [['lena'], ['tom'], ['sofia']],
      rotationStart: '2024-01-01',
    },
  ],
};
const LONDON = 'Europe/London';
const [apac, night] = config.shifts as [ShiftConfig['shifts'][number], ShiftConfig['shifts'][number]];
const only = (...shifts: ShiftConfig['shifts']): ShiftConfig => ({ shifts });
const saturdayNight = only({ ...night, name: 'Saturday night', days: [6] });

describe('who is on shift', () => {
  it.each([
    ['Monday 08:00 in Singapore, rotation week 0', only(apac), at('2024-01-01T08:00', 'Asia/Singapore'), [['APAC', 'aiko']]],
    ['Monday 08:00 in Singapore a week later, rotation week 1', only(apac), at('2024-01-08T08:00', 'Asia/Singapore'), [['APAC', 'ravi']]],
    ['two weeks later the rotation starts over', only(apac), at('2024-01-15T15:59', 'Asia/Singapore'), [['APAC', 'aiko']]],
    ['16:00 in Singapore, the end of the shift', only(apac), at('2024-01-08T16:00', 'Asia/Singapore'), []],
    ['Saturday morning in Singapore', only(apac), at('2024-01-06T09:00', 'Asia/Singapore'), []],
    ['Friday 23:00 in London, on the night shift that started Friday', only(night), at('2024-01-12T23:00', LONDON), [['Night', 'tom']]],
    ['Saturday 05:59 in London, still Friday’s night shift', only(night), at('2024-01-13T05:59', LONDON), [['Night', 'tom']]],
    ['Saturday 06:00 in London, the night shift is over', only(night), at('2024-01-13T06:00', LONDON), []],
    ['Saturday 22:00 in London: no shift starts on Saturday', only(night), at('2024-01-13T22:00', LONDON), []],
    ['Monday 02:00 in London: Sunday night has no shift', only(night), at('2024-01-15T02:00', LONDON), []],
    ['Tuesday 02:00 in London: Monday’s night shift, rotation week 2', only(night), at('2024-01-16T02:00', LONDON), [['Night', 'sofia']]],
    ['before rotationStart the rotation runs backwards', only(night), at('2023-12-29T23:00', LONDON), [['Night', 'sofia']]],
    ['the night clocks go back, 05:30 GMT is still the Saturday shift', saturdayNight, at('2024-10-27T05:30', LONDON), [['Saturday night', 'lena']]],
    ['the night clocks go forward, 06:00 BST ends the Saturday shift', saturdayNight, at('2024-03-31T06:00', LONDON), []],
    [
      'several shifts at once, in config order',
      config,
      at('2024-01-09T01:00'),
      [
        ['APAC', 'ravi'],
        ['Night', 'tom'],
      ],
    ],
  ])('%s', (_name, shifts, instant, expected) => {
    const result = onShift(shifts, instant);
    expect(result.map((s) => [s.shift, ...s.analysts])).toEqual(expected);
  });

  it('names the Slack group of each shift on duty', () => {
    expect(onShift(config, at('2024-01-01T08:00', 'Asia/Singapore'))).toEqual([{ shift: 'APAC', slackGroup: 'it-helpdesk-apac', analysts: ['aiko'] }]);
  });
});

describe('shift edges', () => {
  const allDay = only({ ...apac, name: 'All day', start: '08:00', end: '08:00' });

  it.each([
    ['a shift whose end equals its start runs 24 hours: at its start', allDay, at('2024-01-08T08:00', 'Asia/Singapore'), [['All day', 'ravi']]],
    ['and the next morning a minute before its end, still the Monday shift', allDay, at('2024-01-09T07:59', 'Asia/Singapore'), [['All day', 'ravi']]],
    ['an overnight shift starts on the minute', only(night), at('2024-01-12T22:00', LONDON), [['Night', 'tom']]],
    ['and not a minute before', only(night), at('2024-01-12T21:59', LONDON), []],
    ['a day shift is still on in its last minute', only(apac), at('2024-01-08T15:59', 'Asia/Singapore'), [['APAC', 'ravi']]],
    ['a day shift is off the minute before it starts', only(apac), at('2024-01-08T07:59', 'Asia/Singapore'), []],
    ['a shift does not start on one of its holidays', only({ ...apac, holidays: ['2024-01-08'] }), at('2024-01-08T09:00', 'Asia/Singapore'), []],
    ['and works the next day as usual', only({ ...apac, holidays: ['2024-01-08'] }), at('2024-01-09T09:00', 'Asia/Singapore'), [['APAC', 'ravi']]],
    [
      'an overnight shift started the evening before a holiday runs into it',
      only({ ...night, holidays: ['2024-01-12'] }),
      at('2024-01-12T05:59', LONDON),
      [['Night', 'tom']],
    ],
    ['but none starts on the holiday evening', only({ ...night, holidays: ['2024-01-12'] }), at('2024-01-12T23:00', LONDON), []],
    [
      'a holiday is a date in the shift’s zone: 23:00 UTC on the 7th is the 8th in Singapore',
      only({ ...apac, start: '07:00', holidays: ['2024-01-08'] }),
      at('2024-01-07T23:00'),
      [],
    ],
  ])('%s', (_name, shifts, instant, expected) => {
    expect(onShift(shifts, instant).map((s) => [s.shift, ...s.analysts])).toEqual(expected);
  });

  it('a shift with no rotation is on duty with no analysts named', () => {
    expect(onShift(only({ ...apac, rotation: [] }), at('2024-01-08T09:00', 'Asia/Singapore'))).toEqual([
      { shift: 'APAC', slackGroup: 'it-helpdesk-apac', analysts: [] },
    ]);
  });

  it('hands out a copy of the rotation week', () => {
    const [on] = onShift(only(apac), at('2024-01-08T09:00', 'Asia/Singapore'));
    on!.analysts.push('mallory');
    expect(apac.rotation[1]).toEqual(['ravi']);
  });

  it.each([
    ['a start time that is not HH:mm', { ...apac, start: '8:00' }, 'shift APAC: times must be HH:mm'],
    ['an end time that is not HH:mm', { ...apac, end: '16:00:00' }, 'shift APAC: times must be HH:mm'],
    ['a rotation start that is not a date', { ...apac, rotationStart: '2024-13-01' }, 'shift APAC: rotationStart must be YYYY-MM-DD'],
  ])('refuses %s with a RangeError naming the shift', (_name, shift, message) => {
    const run = () => onShift(only(shift), at('2024-01-08T09:00', 'Asia/Singapore'));
    expect(run).toThrow(RangeError);
    expect(run).toThrow(message);
  });
});
