#!/usr/bin/env python3
"""The README's story, run as written: every fenced `sh` block of README.md, line by line, in order.

    test_readme.py SOURCE_DIR BUILD_DIR PCM_PACER

Runs in a fresh folder that looks like a clone (build/ and scenes/ linked in) and holds the files the
story names (song.flac, voice.wav, talk.mp3, music.flac, a.wav, b.flac: short tones made with sox
and ffmpeg), with HOME there too (~/scene.mix). A machine without a sound card stands in for one:
`aplay -f cd` gives way to tests/readme/measure (one second of the audio, its level; silence fails),
`arecord -f cd -t raw` to a three-second tone, an interactive `telnet` to `help` and `quit` typed into
it, and PortAudio's default device is ALSA's file plugin behind PCM_PACER (a card's pace).

A `build/server/mixmatrixd` line starts that server in the background (stopping the story's previous
one with SIGINT, as its Ctrl-C would), and waits for its control port. Every other line runs with
bash and must end with status 0 within 30 s, and with no `ERR` line from the server; a line whose
comment says `Ctrl-C ends it` runs for 3 s and is then interrupted (it passes if it was still
running, or ended with status 0). Prints each line with what it printed. Exits 0 when every line
passed (and removes its folder), 1 otherwise (keeping it), stopping every process it started.
"""

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

LINE_SECONDS = 30
ENDLESS_SECONDS = 3


def make_media(work):
    """The files the story names, each a few seconds of tone."""
    def sox(*args):
        subprocess.run(["sox", "-q", "-n", *args], cwd=work, check=True)

    sox("-r", "44100", "-c", "2", "song.flac", "synth", "3", "sine", "330", "sine", "495", "gain", "-9")
    sox("-r", "44100", "-c", "1", "voice.wav", "synth", "3", "sine", "220", "gain", "-12")
    sox("-r", "44100", "-c", "2", "music.flac", "synth", "2", "sine", "660", "gain", "-15")
    sox("-r", "44100", "-c", "2", "a.wav", "synth", "2", "sine", "440", "gain", "-12")
    sox("-r", "44100", "-c", "2", "b.flac", "synth", "2", "sine", "550", "gain", "-12")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=frequency=880:sample_rate=48000:duration=3", "-ac", "1", "talk.mp3"],
                   cwd=work, check=True)


def paced_card(work, pacer):
    """An ALSA configuration whose default device is a file written at a sound card's pace."""
    with open(os.path.join(work, "asound.conf"), "w") as f:
        f.write('pcm.!default { type plug; slave.pcm { type file; slave.pcm "null"; '
                f'file "| {pacer} {work}/card.raw"; format "raw" }} }}\n')
    return "/usr/share/alsa/alsa.conf:" + os.path.join(work, "asound.conf")


def split_comment(line):
    """The command and its trailing comment (after ' # ', outside quotes)."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and i > 0 and line[i - 1] == " ":
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def stand_ins(command, measure):
    """The command with a machine without a sound card's stand-ins."""
    command = command.replace("aplay -f cd", measure)
    command = command.replace("arecord -f cd -t raw",
                              "sox -q -n -t raw -r 44100 -e signed -b 16 -c 2 - synth 3 sine 330 gain -6")
    telnet = re.match(r"^telnet (\S+) (\d+)$", command)
    if telnet:
        # telnet types what it reads; after `quit` the server closes and telnet says so.
        command = f"(printf 'help\\r\\n'; sleep 1; printf 'quit\\r\\n'; sleep 1) | {command} || true"
    return command


def wait_for_port(port, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def stop(process, sig=signal.SIGINT, seconds=5):
    """Signals a process group and waits for it; SIGKILL if it outstays `seconds`."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def main():
    source, build, pacer = sys.argv[1:4]
    work = tempfile.mkdtemp(prefix="mixmatrix-readme-")
    os.symlink(os.path.abspath(build), os.path.join(work, "build"))
    os.symlink(os.path.join(source, "scenes"), os.path.join(work, "scenes"))
    make_media(work)
    env = dict(os.environ, HOME=work, ALSA_CONFIG_PATH=paced_card(work, pacer),
               JACK_DEFAULT_SERVER="mixmatrix-readme-none")
    env.pop("MIXMATRIX_PASSWORD", None)
    measure = os.path.join(source, "tests", "readme", "measure")

    with open(os.path.join(source, "README.md")) as f:
        blocks = re.findall(r"^```sh\n(.*?)^```", f.read(), re.S | re.M)
    lines = [line for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]

    server = None
    failures = 0
    try:
        for number, line in enumerate(lines, 1):
            command, comment = split_comment(line)
            print(f"== {number}: {command}", flush=True)
            if command.startswith("build/server/mixmatrixd"):
                stop(server)
                args = shlex.split(command)
                control = args[args.index("--control") + 1] if "--control" in args else "127.0.0.1:7700"
                log = open(os.path.join(work, f"server{number}.log"), "w")
                # Through bash, as typed: `~/scene.mix` is the shell's to expand.
                server = subprocess.Popen(["bash", "-c", "exec " + command], cwd=work, env=env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True)
                if wait_for_port(int(control.rsplit(":", 1)[1])):
                    print(f"   (running; its log in {log.name})", flush=True)
                else:
                    print(f"   FAILED: nothing listens on {control}; its log: {open(log.name).read()}", flush=True)
                    failures += 1
                continue
            endless = "Ctrl-C ends it" in comment
            process = subprocess.Popen(["bash", "-c", stand_ins(command, measure)], cwd=work, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                       start_new_session=True)
            try:
                output, _ = process.communicate(timeout=ENDLESS_SECONDS if endless else LINE_SECONDS)
                ended = True
            except subprocess.TimeoutExpired:
                stop(process)
                output, _ = process.communicate()
                ended = False
            shown = output.strip().splitlines()
            for text in shown[:12]:
                print(f"   {text}")
            if len(shown) > 12:
                print(f"   ... ({len(shown) - 12} more lines)")
            if ended and process.returncode != 0:
                print(f"   FAILED: status {process.returncode}", flush=True)
                failures += 1
            elif any(text.startswith("ERR ") for text in shown):
                print("   FAILED: the server answered ERR", flush=True)
                failures += 1
            elif not ended and not endless:
                print(f"   FAILED: still running after {LINE_SECONDS} s", flush=True)
                failures += 1
            elif not ended:
                print(f"   (interrupted after {ENDLESS_SECONDS} s, as Ctrl-C would)", flush=True)
    finally:
        stop(server)
    print(f"== {len(lines)} lines, {failures} failed" + (f"; the story ran in {work}" if failures else ""))
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
