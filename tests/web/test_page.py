#!/usr/bin/env python3
"""Browser test of mixmatrixd's web control surface (docs/PROTOCOL.md §9), in headless Chromium.

    test_page.py MIXMATRIXD OUTPUT_DIR

Starts mixmatrixd on free loopback ports, builds a scene over the control port, and drives the page
through its stable hooks (data-mix/data-source/aria-pressed, data-meter/data-peak-db,
data-mix-toggle): the grid matches the scene, a click routes and mutes (checked with QUERY), a change
made over the control port shows on the page, meters read the tones' levels, a mix switches off,
monitoring delivers audio to the page's worklet; then measures the meters' update rate with 64
inputs and 16 mixes; then a second server with --password-file: the login form, a wrong password,
the right one. Saves OUTPUT_DIR/matrix.png (1280x800). Exits 0 on success, 1 with a message on
failure. Every wait is at most 10 s and the whole test at most 90 s; the servers and the browser are
always stopped.

Needs Debian's chromium, chromium-driver and python3-selenium
(apt-get install -y chromium chromium-driver python3-selenium).
"""

import os
import sys


def _selenium_python():
    """Debian's python3-selenium is importable by /usr/bin/python3; rerun there if this one lacks it."""
    try:
        import selenium  # noqa: F401
        return
    except ImportError:
        pass
    system = '/usr/bin/python3'
    if (os.path.exists(system) and not os.environ.get('MIXMATRIX_WEB_TEST_REEXEC')
            and os.path.realpath(sys.executable) != os.path.realpath(system)):
        os.environ['MIXMATRIX_WEB_TEST_REEXEC'] = '1'
        os.execv(system, [system] + sys.argv)
    sys.exit('test_page: FAIL: python3-selenium is missing '
             '(apt-get install -y chromium chromium-driver python3-selenium)')


_selenium_python()

import argparse  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

TOTAL_S = 90
WAIT_S = 10
PASSWORD = 's3cret-Pa55'

CHROMIUM = os.environ.get('CHROMIUM', shutil.which('chromium') or '/usr/bin/chromium')
CHROMEDRIVER = os.environ.get('CHROMEDRIVER', shutil.which('chromedriver') or '/usr/bin/chromedriver')
CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--window-size=1280,800']

started = time.monotonic()
passed = 0


class Failure(Exception):
    pass


def log(msg):
    print('[%5.1fs] %s' % (time.monotonic() - started, msg), flush=True)


def ok(msg):
    global passed
    passed += 1
    log('ok   ' + msg)


def wait_until(what, cond, seen=None, timeout=WAIT_S, interval=0.05):
    """Polls cond() until it is true; after `timeout` (at most WAIT_S) a Failure naming `what` and
    what seen() (or cond()) last returned."""
    timeout = min(timeout, WAIT_S)
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = cond()
        except WebDriverException:
            value = None  # e.g. the page navigating: try again
        if value:
            return value
        if time.monotonic() >= deadline:
            try:
                last = seen() if seen else value
            except WebDriverException as e:
                last = 'WebDriver: ' + (e.msg or str(e)).splitlines()[0]
            raise Failure('%s: not within %.1f s (last seen: %r)' % (what, timeout, last))
        time.sleep(interval)


def free_ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(('127.0.0.1', 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


# ------------------------------------------------------------------------------------------ server

class Server:
    def __init__(self, binary, outdir, tag, password_file=None):
        self.control, self.stream, self.http = free_ports(3)
        self.log_path = os.path.join(outdir, 'mixmatrixd-%s.log' % tag)
        args = [binary, '--control', '127.0.0.1:%d' % self.control, '--stream', '127.0.0.1:%d' % self.stream,
                '--http', '127.0.0.1:%d' % self.http, '--rt-priority', '0']
        if password_file:
            args += ['--password-file', password_file]
        self.logf = open(self.log_path, 'wb')
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.logf, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.url = 'http://127.0.0.1:%d' % self.http
        for port in (self.control, self.http):
            wait_until('mixmatrixd listening on 127.0.0.1:%d (log %s)' % (port, self.log_path),
                       lambda p=port: self._listening(p), interval=0.05)

    def _listening(self, port):
        if self.proc.poll() is not None:
            raise Failure('mixmatrixd exited with status %s at start:\n%s' % (self.proc.returncode, self.log_tail()))
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return True
        except OSError:
            return False

    def log_tail(self, n=30):
        try:
            with open(self.log_path, 'rb') as f:
                return b'\n'.join(f.read().splitlines()[-n:]).decode(errors='replace')
        except OSError:
            return ''

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.logf.close()


class Control:
    """The control port, telnet-like: one command line, data lines, then a line starting OK or ERR."""

    def __init__(self, port, password=None):
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=WAIT_S)
        self.buf = b''
        greeting = self.readline()
        if not greeting.startswith('* mixmatrix'):
            raise Failure('control port greeting: %r' % greeting)
        if password:
            self.ok('auth ' + password)

    def readline(self):
        while b'\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Failure('control connection closed by the server')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode(errors='replace').rstrip('\r')

    def reply(self):
        data = []
        while True:
            line = self.readline()
            if line.startswith('* '):
                continue  # an event
            if line.startswith('OK') or line.startswith('ERR'):
                return line, data
            data.append(line)

    def cmd(self, line):
        self.sock.sendall(line.encode() + b'\n')
        return self.reply()

    def ok(self, line):
        status, data = self.cmd(line)
        if not status.startswith('OK'):
            raise Failure('control: %r answered %r' % (line, status))
        return data

    def batch(self, lines):
        """Several commands in one write (the protocol allows it); every answer must be OK."""
        self.sock.sendall(''.join(l + '\n' for l in lines).encode())
        for line in lines:
            status, _ = self.reply()
            if not status.startswith('OK'):
                raise Failure('control: %r answered %r' % (line, status))

    def query(self, mix, source):
        status, data = self.cmd('QUERY %s %s' % (mix, source))
        return data[0] if status.startswith('OK') and data else status

    def close(self):
        self.sock.close()


# ------------------------------------------------------------------------------------------ browser

def start_browser(profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in CHROME_FLAGS + ['--user-data-dir=' + profile]:
        opts.add_argument(flag)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    service = Service(executable_path=CHROMEDRIVER, log_path=os.devnull)
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(WAIT_S)
    driver.set_script_timeout(WAIT_S)
    return driver


def js(driver, script, *args):
    return driver.execute_script(script, *args)


def attr(driver, selector, name):
    return js(driver, 'const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;',
              selector, name)


def xp(mix, source):
    return '[data-mix="%s"][data-source="%s"]' % (mix, source)


def click(driver, selector):
    el = wait_until('element %s on the page' % selector, lambda: driver.find_elements(By.CSS_SELECTOR, selector))[0]
    js(driver, 'arguments[0].scrollIntoView({block: "center", inline: "center"});', el)
    el.click()


def grid_state(driver):
    return js(driver, '''
        const out = {};
        for (const b of document.querySelectorAll('button[data-mix][data-source]'))
          out[b.dataset.mix + '/' + b.dataset.source] = b.getAttribute('aria-pressed');
        return out;''')


def peak(driver, name):
    v = attr(driver, '[data-meter="%s"]' % name, 'data-peak-db')
    if v is None:
        return None
    return float('-inf') if v == '-inf' else float(v)


def near(value, target, tol):
    return value is not None and abs(value - target) <= tol


# ------------------------------------------------------------------------------------------ the checks

def check_matrix(driver, server, outdir):
    ctl = Control(server.control)
    ctl.batch(['input add A tone 440 -6', 'input add B tone 660 -20', 'mix add M', 'mix add S',
               'route M A', 'route S B', 'route M S'])
    driver.get(server.url + '/')

    # The grid: mixes down; inputs, then mixes, across; no cell of a mix onto itself.
    expected = {'M/A': 'true', 'M/B': 'false', 'M/S': 'true',
                'S/A': 'false', 'S/B': 'true', 'S/M': 'false'}
    wait_until('the grid showing the scene %s' % expected, lambda: grid_state(driver) == expected,
               lambda: grid_state(driver))
    ok('grid matches the scene: %s' % ', '.join('%s=%s' % kv for kv in sorted(expected.items())))
    for name in ('M', 'S'):
        if attr(driver, '[data-mix-toggle="%s"]' % name, 'aria-pressed') != 'true':
            raise Failure('[data-mix-toggle="%s"] should have aria-pressed="true"' % name)
    for name in ('A', 'B', 'M', 'S'):
        if attr(driver, '[data-meter="%s"]' % name, 'data-peak-db') is None:
            raise Failure('no [data-meter="%s"][data-peak-db] on the page' % name)
    ok('mix toggles and meters present')
    wait_until('the page connected ([data-conn="live"])', lambda: attr(driver, '#conn', 'data-conn') == 'live')

    # A click routes M/B (QUERY says ON), a second click mutes it (OFF).
    click(driver, xp('M', 'B'))
    wait_until('QUERY M B answering ON after a click', lambda: ctl.query('M', 'B') == 'ON',
               lambda: ctl.query('M', 'B'), timeout=2)
    wait_until('M/B aria-pressed="true" after the click', lambda: attr(driver, xp('M', 'B'), 'aria-pressed') == 'true',
               timeout=2)
    ok('click on M/B routes it: QUERY M B -> ON')
    click(driver, xp('M', 'B'))
    wait_until('QUERY M B answering OFF after a second click', lambda: ctl.query('M', 'B') == 'OFF',
               lambda: ctl.query('M', 'B'), timeout=2)
    wait_until('M/B aria-pressed="false" after the second click',
               lambda: attr(driver, xp('M', 'B'), 'aria-pressed') == 'false', timeout=2)
    data = ctl.ok('show M')
    if not any(l.startswith('route B ') and 'muted=yes' in l for l in data):
        raise Failure('second click should mute M/B; show M says %r' % data)
    ok('second click mutes it: QUERY M B -> OFF, show M: muted=yes')

    # Meters: the tones' peaks, within 1 dB, after a second.
    time.sleep(1.0)
    wait_until('meters A near -6 dBFS and B near -20 dBFS (data-peak-db)',
               lambda: near(peak(driver, 'A'), -6, 1) and near(peak(driver, 'B'), -20, 1),
               lambda: (peak(driver, 'A'), peak(driver, 'B')))
    m_before = peak(driver, 'M')
    ok('meters: A %.1f dBFS, B %.1f dBFS, M %.1f dBFS' % (peak(driver, 'A'), peak(driver, 'B'), m_before))

    # A change over the control port shows on the page; M's meter follows the muted source.
    ctl.ok('mute M A')
    wait_until('M/A aria-pressed="false" after "mute M A" on the control port',
               lambda: attr(driver, xp('M', 'A'), 'aria-pressed') == 'false', timeout=2)
    ok('"mute M A" over the control port shows on the page within 2 s')
    wait_until('M peak falling by over 6 dB from %.1f when A is muted' % m_before,
               lambda: peak(driver, 'M') is not None and peak(driver, 'M') < m_before - 6, lambda: peak(driver, 'M'))
    ok('M meter follows: %.1f -> %.1f dBFS' % (m_before, peak(driver, 'M')))

    # Mix S off through its toggle.
    click(driver, '[data-mix-toggle="S"]')
    wait_until('"show S" saying state=off after clicking [data-mix-toggle="S"]',
               lambda: 'state=off' in ctl.ok('show S')[0], lambda: ctl.ok('show S')[0])
    wait_until('[data-mix-toggle="S"] aria-pressed="false"',
               lambda: attr(driver, '[data-mix-toggle="S"]', 'aria-pressed') == 'false', timeout=2)
    ok('mix toggle switches S off: show S says state=off')

    # Monitoring: a listen button makes the server send PCM, which reaches the worklet.
    click(driver, '[data-listen="A"]')
    wait_until('audio for the monitor of A reaching the page (#monitor-bar data-received > 0)',
               lambda: int(attr(driver, '#monitor-bar', 'data-received') or 0) > 0)
    wait_until('the monitor playing (#monitor-bar data-monitor-state)',
               lambda: attr(driver, '#monitor-bar', 'data-monitor-state') == 'playing',
               lambda: attr(driver, '#monitor-bar', 'data-monitor-state'))
    ok('monitor of A: %s frames received, playing' % attr(driver, '#monitor-bar', 'data-received'))
    click(driver, '[data-listen="A"]')

    # The screenshot, at exactly 1280x800.
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                           {'width': 1280, 'height': 800, 'deviceScaleFactor': 1, 'mobile': False})
    time.sleep(0.6)
    shot = os.path.join(outdir, 'matrix.png')
    driver.save_screenshot(shot)
    driver.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
    ok('screenshot %s' % shot)
    return ctl


def check_meter_rate(driver, server, ctl):
    """64 tone inputs, 16 mixes of 8: how often the page updates one meter's data-peak-db."""
    lines = ['input add T%02d tone %d -30' % (i, 110 + 37 * i) for i in range(64)]
    lines += ['mix add X%02d' % j for j in range(16)]
    lines += ['route X%02d T%02d -%d' % (j, (j * 4 + k * 8) % 64, k) for j in range(16) for k in range(8)]
    t0 = time.monotonic()
    ctl.batch(lines)
    wait_until('the 64x16 grid on the page',
               lambda: js(driver, 'return document.querySelectorAll(arguments[0]).length', 'button[data-mix][data-source]')
               == 18 * (66 + 18) - 18 and js(driver, 'return !!document.querySelector(arguments[0])', xp('X15', 'T60')))
    log('64x16 scene built and shown in %.1f s (%d commands)' % (time.monotonic() - t0, len(lines)))
    wait_until('X00 pressed for T00', lambda: attr(driver, xp('X00', 'T00'), 'aria-pressed') == 'true')
    # Let the page finish re-rendering the burst of 208 changes before measuring.
    quiet = {'renders': None, 'since': time.monotonic()}

    def settled():
        n = js(driver, 'return window.mixmatrix && window.mixmatrix.stats ? window.mixmatrix.stats.renders : 0')
        if n != quiet['renders']:
            quiet['renders'], quiet['since'] = n, time.monotonic()
        return time.monotonic() - quiet['since'] > 0.8
    wait_until('the page settling after the 64x16 scene', settled, interval=0.1)
    result = driver.execute_async_script('''
        const done = arguments[arguments.length - 1];
        const meter = document.querySelector('[data-meter="X00"]');
        const times = [];
        const values = [];
        const obs = new MutationObserver((records) => {
          for (const r of records) {
            times.push(performance.now());
            values.push(meter.getAttribute('data-peak-db'));
          }
        });
        obs.observe(meter, {attributes: true, attributeFilter: ['data-peak-db']});
        let frames = 0;
        let worst = 0;
        let last = performance.now();
        const raf = (t) => { frames++; worst = Math.max(worst, t - last); last = t; if (!stop) requestAnimationFrame(raf); };
        let stop = false;
        requestAnimationFrame(raf);
        let longTasks = 0;
        let lt = null;
        try {
          lt = new PerformanceObserver((l) => { longTasks += l.getEntries().length; });
          lt.observe({entryTypes: ['longtask']});
        } catch (e) {}
        setTimeout(() => {
          stop = true;
          obs.disconnect();
          if (lt) lt.disconnect();
          let changes = 0;
          for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) changes++;
          done({n: times.length, first: times[0], last: times[times.length - 1], changes,
                frames, worst, longTasks});
        }, 3000);''')
    n = result['n']
    span = (result['last'] - result['first']) / 1000 if n >= 2 else 0
    rate = (n - 1) / span if span > 0 else float(n) / 3
    log('meters: X00 data-peak-db written %d times in 3 s: %.1f updates/s (%d value changes); page %.0f frames/s, '
        'longest frame %.0f ms, %d long tasks' % (n, rate, result['changes'], result['frames'] / 3,
                                                 result['worst'], result['longTasks']))
    print('meter update rate: %.1f per second (64 inputs x 16 mixes)' % rate, flush=True)
    # The server sends 10 a second: allow 5 % for timer jitter in a 3 s window.
    if rate < 9.5:
        raise Failure('meter updates %.1f per second on [data-meter="X00"], under 10' % rate)
    ok('meter update rate %.1f/s with 64x16 (10/s wanted, 5 %% allowed for timer jitter)' % rate)


def check_login(driver, binary, outdir, tmp, servers):
    pw = os.path.join(tmp, 'password')
    with open(pw, 'w') as f:
        f.write(PASSWORD + '\n')
    server = Server(binary, outdir, 'password', pw)
    servers.append(server)
    ctl = Control(server.control, PASSWORD)
    ctl.batch(['input add A tone 440 -6', 'mix add M', 'route M A'])
    ctl.close()
    driver.get(server.url + '/')
    wait_until('a login form (input[name=password]) at / or /login',
               lambda: driver.find_elements(By.CSS_SELECTOR, 'input[name="password"]'))
    if driver.find_elements(By.CSS_SELECTOR, '[data-mix]'):
        raise Failure('the matrix is shown without a login')
    ok('password server: %s shows the login form' % driver.current_url.replace(server.url, '') or '/')

    def submit(password):
        field = driver.find_element(By.CSS_SELECTOR, 'input[name="password"]')
        field.clear()
        field.send_keys(password)
        field.submit()

    submit('not-the-password')
    wait_until('"wrong password" shown after a wrong password',
               lambda: any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, '#login-error, [data-login-error]')))
    ok('a wrong password shows an error')
    submit(PASSWORD)
    wait_until('the grid after the right password (M/A pressed)',
               lambda: attr(driver, xp('M', 'A'), 'aria-pressed') == 'true')
    wait_until('the page connected over the WebSocket after login', lambda: attr(driver, '#conn', 'data-conn') == 'live')
    wait_until('meters after login', lambda: near(peak(driver, 'A'), -6, 1), lambda: peak(driver, 'A'))
    ok('the right password shows the grid, connected, meters live')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('mixmatrixd', help='path of the mixmatrixd binary')
    ap.add_argument('output_dir', help='where matrix.png and the logs go')
    a = ap.parse_args()
    binary = os.path.abspath(a.mixmatrixd)
    outdir = os.path.abspath(a.output_dir)
    os.makedirs(outdir, exist_ok=True)
    for path, what in ((binary, 'mixmatrixd'), (CHROMIUM, 'chromium'), (CHROMEDRIVER, 'chromedriver')):
        if not os.access(path, os.X_OK):
            print('test_page: FAIL: %s not found at %s' % (what, path), file=sys.stderr)
            return 1

    def overtime(*_):
        raise Failure('the whole test took over %d s' % TOTAL_S)

    signal.signal(signal.SIGALRM, overtime)
    signal.alarm(TOTAL_S)
    tmp = tempfile.mkdtemp(prefix='mixmatrix-web-')
    servers = []
    driver = None
    failure = None
    try:
        servers.append(Server(binary, outdir, 'open'))
        log('mixmatrixd at %s' % servers[0].url)
        driver = start_browser(os.path.join(tmp, 'profile'))
        log('chromium started')
        ctl = check_matrix(driver, servers[0], outdir)
        check_meter_rate(driver, servers[0], ctl)
        ctl.close()
        check_login(driver, binary, outdir, tmp, servers)
    except Failure as e:
        failure = str(e)
    except WebDriverException as e:
        failure = 'WebDriver: %s' % (e.msg or e)
    except Exception as e:  # noqa: BLE001 - report anything with a clear line
        failure = '%s: %s' % (type(e).__name__, e)
    finally:
        signal.alarm(0)
        if failure and driver:
            try:
                driver.save_screenshot(os.path.join(outdir, 'failure.png'))
                for entry in driver.get_log('browser')[-20:]:
                    print('  browser: %s %s' % (entry['level'], entry['message'][:300]), file=sys.stderr)
            except Exception:  # noqa: BLE001
                pass
        if driver:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        for s in servers:
            if failure:
                tail = s.log_tail(15)
                if tail:
                    print('  %s:\n    %s' % (s.log_path, tail.replace('\n', '\n    ')), file=sys.stderr)
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if failure:
        print('test_page: FAIL: %s' % failure, file=sys.stderr)
        print('%d passed, 1 failed' % passed)
        return 1
    print('test_page: all checks passed in %.1f s' % (time.monotonic() - started))
    print('%d passed, 0 failed' % passed)
    return 0


if __name__ == '__main__':
    sys.exit(main())
