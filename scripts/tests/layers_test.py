#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""layers_test: scripts/layers against small trees that break each rule.

    scripts/tests/layers_test.py

Each case writes a few kernel files named as the module's (so that
scripts/layers' tables apply), compiles them with gcc -c into
build/6.12/kernel/ of a temporary root, runs scripts/layers --root on it
and checks its exit status and that its report names the violation.
Prints TAP 13.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = os.path.join(HERE, "..", "layers")

# Enough of the module's shared header for the lock rule to resolve types.
HEADER = """
struct mutex { int owner; };
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

struct mdgpu_sched {
	struct mutex lock;
	int slice_us;
};

struct mdgpu_pgpu {
	struct mutex lock;
	struct mdgpu_sched sched;
};
"""

# A tree that keeps every rule: calls go down, pgpu.c's use of vgpu.c's
# mdev driver is the allowed registration.
CLEAN = {
    "main.c": "void mdgpu_netlink_init(void);\nint mdgpu_vgpu_probe(void);\n"
              "int init_module(void) { mdgpu_netlink_init(); return mdgpu_vgpu_probe(); }\n",
    "netlink.c": "void mdgpu_sched_set(struct mdgpu_sched *s);\n"
                 "void mdgpu_netlink_init(void) { mdgpu_sched_set(0); }\n",
    "pgpu.c": "extern int mdgpu_mdev_driver;\n"
              "int mdgpu_pgpu_reserve(void) { return mdgpu_mdev_driver; }\n",
    "vgpu.c": "int mdgpu_pgpu_reserve(void);\nint mdgpu_mdev_driver;\n"
              "int mdgpu_vgpu_probe(void);\n"
              "int mdgpu_vgpu_probe(void) { return mdgpu_pgpu_reserve(); }\n",
    "sched.c": "void mdgpu_engine_run(void);\n"
               "void mdgpu_sched_set(struct mdgpu_sched *s)\n"
               "{ mutex_lock(&s->lock); mutex_unlock(&s->lock); mdgpu_engine_run(); }\n",
    "engine.c": "void mdgpu_engine_run(void) { }\n",
}

CASES = [
    # name, files changed from CLEAN, expected exit status, expected text
    ("a tree that keeps every rule passes", {}, 0, ""),
    ("an upward call fails",
     {"engine.c": "void mdgpu_netlink_init(void);\n"
                  "void mdgpu_engine_run(void) { mdgpu_netlink_init(); }\n"},
     1, "engine.c (engine) -> netlink.c (control): calls upward: mdgpu_netlink_init"),
    ("a cycle within one layer fails",
     {"vf.c": "int mdgpu_vgpu_probe(void);\nint mdgpu_vf_type(void);\n"
              "int mdgpu_vf_type(void) { return mdgpu_vgpu_probe(); }\n",
      "vgpu.c": "int mdgpu_pgpu_reserve(void);\nint mdgpu_mdev_driver;\n"
                "int mdgpu_vf_type(void);\nint mdgpu_vgpu_probe(void);\n"
                "int mdgpu_vgpu_probe(void) { return mdgpu_pgpu_reserve() + mdgpu_vf_type(); }\n"},
     1, "cycle among vf.c, vgpu.c"),
    ("a registration edge that uses more than the driver fails",
     {"pgpu.c": "extern int mdgpu_mdev_driver;\nint mdgpu_vgpu_probe(void);\n"
                "int mdgpu_pgpu_reserve(void) { return mdgpu_mdev_driver + mdgpu_vgpu_probe(); }\n"},
     1, "pgpu.c -> vgpu.c: uses mdgpu_vgpu_probe beyond the allowed registration"),
    ("taking another file's lock fails",
     {"netlink.c": "void mdgpu_sched_set(struct mdgpu_sched *s);\n"
                   "void mdgpu_netlink_init(void)\n{\n\tstruct mdgpu_pgpu *pgpu = 0;\n\n"
                   "\tmutex_lock(&pgpu->sched.lock);\n\tmutex_unlock(&pgpu->sched.lock);\n"
                   "\tmdgpu_sched_set(0);\n}\n"},
     1, "kernel/netlink.c:7: takes pgpu->sched.lock (mdgpu_sched.lock), which belongs to sched.c"),
    ("a global nobody else uses fails",
     {"engine.c": "void mdgpu_engine_run(void) { }\nint mdgpu_engine_spare(void);\n"
                  "int mdgpu_engine_spare(void) { return 1; }\n"},
     1, "kernel/engine.c: mdgpu_engine_spare is global but no other file uses it"),
    ("a file without a layer fails",
     {"extra.c": "void mdgpu_engine_run(void);\nint mdgpu_extra(void);\n"
                 "int mdgpu_extra(void) { mdgpu_engine_run(); return 0; }\n"},
     1, "kernel/extra.c: not in scripts/layers' LAYERS"),
]


def run_case(files, readme_skip=()):
    with tempfile.TemporaryDirectory() as root:
        kdir = os.path.join(root, "kernel")
        odir = os.path.join(root, "build", "6.12", "kernel")
        os.makedirs(kdir)
        os.makedirs(odir)
        with open(os.path.join(kdir, "mdgpu.h"), "w") as f:
            f.write(HEADER)
        for name, text in files.items():
            with open(os.path.join(kdir, name), "w") as f:
                f.write('#include "mdgpu.h"\n' + text)
            subprocess.run(["gcc", "-c", "-o", os.path.join(odir, name[:-2] + ".o"),
                            os.path.join(kdir, name)], check=True)
        with open(os.path.join(kdir, "Kbuild"), "w") as f:
            f.write("mdgpu-y := %s\n" % " ".join(n[:-2] + ".o" for n in sorted(files)))
        with open(os.path.join(root, "README.md"), "w") as f:
            f.write("## Layout\n\n%s\n\n## Next\n" %
                    " ".join(n for n in sorted(files) if n not in readme_skip))
        p = subprocess.run([sys.executable, LAYERS, "--root", root],
                           capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr


def main():
    cases = [(n, dict(CLEAN, **c), rc, want, ()) for n, c, rc, want in CASES]
    cases.append(("a file the README's Layout does not name fails", dict(CLEAN), 1,
                  "README.md: its Layout section does not name kernel/sched.c", ("sched.c",)))
    print("TAP version 13")
    print("1..%d" % len(cases))
    failed = 0
    for n, (name, files, rc, want, skip) in enumerate(cases, 1):
        got_rc, out = run_case(files, skip)
        if got_rc == rc and want in out:
            print("ok %d %s" % (n, name))
        else:
            failed += 1
            print("not ok %d %s" % (n, name))
            print("# exit %d (wanted %d), wanted the report to contain: %s" % (got_rc, rc, want))
            for line in out.splitlines():
                print("# " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
