#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mdgpuctl_test.sh: the mdgpuctl tool against the real module, TAP 13.
#
#   selftests/mdgpuctl_test.sh
#
# Every subcommand, with its JSON parsed by python3 and checked against
# sysfs (the module's own truth); scheduler and vGPU settings through the
# tool and read back from sysfs; an engine workload (selftests/mdgpu_py.py
# opens a vGPU through VFIO and keeps its ring busy) for top, the slice log,
# holders and events; refusals for an unprivileged user; bad arguments
# (exit 2); and, with MDGPU_KO set, "mdgpu module not loaded" after an rmmod
# (the module is loaded again afterwards).
#
# The tool is $MDGPUCTL, else $MDGPU_BUILD/mdgpuctl/mdgpuctl, else
# build/mdgpuctl/mdgpuctl in the tree, else mdgpuctl on PATH. Expects mdgpu
# loaded with default parameters and no vGPUs, as scripts/testvm leaves it.
# Exit status: 0 all passed, 1 a test failed, 4 skipped (no tool, not root).

KSFT_SKIP=4
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

CTL=${MDGPUCTL:-}
for c in ${MDGPU_BUILD:+"$MDGPU_BUILD/mdgpuctl/mdgpuctl"} \
	"$root/build/mdgpuctl/mdgpuctl" "$(command -v mdgpuctl 2>/dev/null)"; do
	[ -n "$CTL" ] && break
	[ -x "$c" ] && CTL=$c
done

echo "TAP version 13"
if [ -z "$CTL" ] || [ ! -x "$CTL" ]; then
	echo "1..0 # SKIP mdgpuctl not built (set MDGPUCTL or MDGPU_BUILD)"
	exit $KSFT_SKIP
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root"
	exit $KSFT_SKIP
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mdgpuctl-test.XXXXXX") || exit 1
chmod 755 "$tmp"
# A copy every user can run, for the permission tests.
cp "$CTL" "$tmp/mdgpuctl" && chmod 755 "$tmp/mdgpuctl"
UNPRIV_CTL=$tmp/mdgpuctl

MDEV=/sys/bus/mdev/devices
PCI=/sys/bus/pci/devices
vgpus=""	# created here, removed at exit
bgpids=""

cleanup() {
	for p in $bgpids; do
		kill "$p" 2>/dev/null
	done
	for u in $vgpus; do
		[ -e "$MDEV/$u/remove" ] && echo 1 >"$MDEV/$u/remove" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

n=0 failed=0

# t DESCRIPTION COMMAND...: one test; the command's output becomes
# diagnostics on failure.
t() {
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/t.out" 2>&1; then
		echo "ok $n $desc"
	else
		failed=$((failed + 1))
		echo "not ok $n $desc"
		sed 's/^/# /' "$tmp/t.out"
	fi
}

as_nobody() {
	if command -v setpriv >/dev/null 2>&1; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		su nobody -s /bin/sh -c '"$0" "$@"' "$@"
	fi
}

# pycheck FILE CODE: CODE (python3) with d = the JSON in FILE, rd(path) =
# a sysfs file's contents, ck(cond, message) to assert.
PRE='import json, os, sys
def rd(p):
    with open(p) as f:
        return f.read().strip()
def ck(c, m):
    if not c:
        print("FAIL: " + m)
        sys.exit(1)
MDEV = "/sys/bus/mdev/devices"
PCI = "/sys/bus/pci/devices"
with open(sys.argv[1]) as f:
    d = json.load(f)
'
pycheck() {
	python3 -c "$PRE$2" "$1"
}

# expect STATUS PATTERN COMMAND...: the command exits with STATUS and its
# stderr matches the extended regex PATTERN.
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$tmp/e.out" 2>"$tmp/e.err"
	rc=$?
	cat "$tmp/e.err"
	if [ "$rc" -ne "$want" ]; then
		echo "exit status $rc, expected $want"
		return 1
	fi
	grep -Eq -- "$pat" "$tmp/e.err" || { echo "stderr lacks /$pat/"; return 1; }
}

# json FILE COMMAND...: run COMMAND, stdout to FILE, must succeed.
json() {
	f=$1
	shift
	"$@" >"$f" || { echo "failed: $*"; return 1; }
}

gpus=$(ls -d /sys/bus/pci/drivers/mdgpu/*:* 2>/dev/null | sed 's|.*/||' | sort)
gpu0=$(echo "$gpus" | sed -n 1p)
gpu1=$(echo "$gpus" | sed -n 2p)
if [ -z "$gpu1" ]; then
	echo "1..0 # SKIP needs two pGPUs (num_gpus >= 2)"
	exit $KSFT_SKIP
fi

# --- gpu --------------------------------------------------------------------

test_gpu_list_json() {
	json "$tmp/g.json" "$CTL" gpu list -j || return 1
	pycheck "$tmp/g.json" '
gpus = sorted(x for x in os.listdir("/sys/bus/pci/drivers/mdgpu") if ":" in x)
ck(isinstance(d, list), "not an array")
ck([g["gpu"] for g in d] == gpus, "gpus %s, sysfs %s" % ([g["gpu"] for g in d], gpus))
for i, g in enumerate(d):
    ck(g["index"] == i, "index of %s" % g["gpu"])
    for k in ("vram_total_mib", "vram_reserved_mib", "vram_free_mib", "nr_vgpus", "timeslice_us"):
        ck(g[k] == int(rd("%s/%s/mdgpu/%s" % (PCI, g["gpu"], k))), "%s %s" % (g["gpu"], k))
    for k in ("placement", "sched_policy"):
        ck(g[k] == rd("%s/%s/mdgpu/%s" % (PCI, g["gpu"], k)), "%s %s" % (g["gpu"], k))
    ck(isinstance(g["busy_ns"], int), "busy_ns")
    # a counter: mdgpuctl read it first, so it cannot exceed sysfs now
    missed = int(rd("%s/%s/mdgpu/sched_periods_missed" % (PCI, g["gpu"])))
    ck(0 <= g["sched_periods_missed"] <= missed, "%s sched_periods_missed" % g["gpu"])
'
}
t "gpu list -j matches sysfs" test_gpu_list_json

test_gpu_list_table() {
	"$CTL" gpu list >"$tmp/g.txt" || return 1
	cat "$tmp/g.txt"
	head -1 "$tmp/g.txt" | grep -q '^INDEX *GPU *VGPUS' || return 1
	[ "$(wc -l <"$tmp/g.txt")" -eq $(($(echo "$gpus" | wc -l) + 1)) ] || return 1
	for g in $gpus; do
		grep -q " $g " "$tmp/g.txt" || return 1
	done
}
t "gpu list prints a header and one row per pGPU" test_gpu_list_table

test_gpu_show() {
	json "$tmp/s0.json" "$CTL" gpu show 1 -j || return 1
	json "$tmp/s1.json" "$CTL" -j gpu show "$gpu1" || return 1
	cmp "$tmp/s0.json" "$tmp/s1.json" || return 1
	pycheck "$tmp/s0.json" "ck(d['gpu'] == '$gpu1' and d['index'] == 1, str(d))"
	"$CTL" gpu show "$gpu0" | grep -q "^gpu: *$gpu0\$"
}
t "gpu show by index and by address give the same record" test_gpu_show

t "gpu show of an unknown gpu fails naming it" \
	expect 1 '^mdgpuctl: gpu 7: unknown gpu' "$CTL" gpu show 7
t "gpu show of an absent address fails" \
	expect 1 'gpu 6d67:00:1f.0: unknown gpu' "$CTL" gpu show 6d67:00:1f.0

# --- type -------------------------------------------------------------------

TYPECHECK='
ck(isinstance(d, list) and d, "no types")
for t in d:
    g, n = t["gpu"], t["type"]
    core = "/sys/class/mdev_bus/%s/mdev_supported_types/%s" % (g, n)
    ours = "%s/%s/%s" % (PCI, g, n)
    ck(t["available_instances"] == int(rd(core + "/available_instances")), n + " available")
    ck(t["name"] == rd(core + "/name"), n + " name")
    for k in ("framebuffer_mib", "num_heads", "max_xres", "max_yres", "max_instance", "frl_config"):
        ck(t[k] == int(rd(ours + "/" + k)), "%s %s" % (n, k))
    ck(t["max_resolution"] == rd(ours + "/max_resolution"), n + " max_resolution")
seen = sorted((t["gpu"], t["type"]) for t in d)
'

test_type_list() {
	json "$tmp/t.json" "$CTL" type list -j || return 1
	pycheck "$tmp/t.json" "$TYPECHECK
want = sorted((g, n) for g in os.listdir('/sys/bus/pci/drivers/mdgpu') if ':' in g
              for n in os.listdir('/sys/class/mdev_bus/%s/mdev_supported_types' % g))
ck(seen == want, 'types %s, sysfs %s' % (seen, want))
fb = [t['framebuffer_mib'] for t in d if t['gpu'] == d[0]['gpu']]
ck(fb == sorted(fb, reverse=True), 'not largest first: %s' % fb)
"
}
t "type list -j matches sysfs for every pGPU" test_type_list

test_type_list_gpu() {
	json "$tmp/t1.json" "$CTL" type list --gpu 1 -j || return 1
	pycheck "$tmp/t1.json" "$TYPECHECK
ck({g for g, n in seen} == {'$gpu1'}, 'gpus %s' % {g for g, n in seen})
"
	"$CTL" type list --gpu "$gpu0" | grep -q "^$gpu0 *mdgpu-1g *MDGPU-1G"
}
t "type list --gpu shows that pGPU only" test_type_list_gpu

# --- vgpu create, list, show ------------------------------------------------

U1="" U2=""
test_create() {
	U1=$("$CTL" vgpu create --gpu 0 --type 1g) || return 1
	echo "created $U1"
	vgpus="$vgpus $U1"
	[ "$(cat "$MDEV/$U1/mdgpu/type")" = mdgpu-1g ] &&
	[ "$(cat "$MDEV/$U1/mdgpu/pgpu")" = "$gpu0" ]
}
t "vgpu create --gpu 0 --type 1g prints the UUID of a new vGPU" test_create

U2=4b6e2f2a-9c1d-4e5f-8a7b-0123456789ab
test_create_uuid() {
	json "$tmp/c.json" "$CTL" vgpu create --gpu "$gpu1" --type mdgpu-512m \
		--uuid 4B6E2F2A-9C1D-4E5F-8A7B-0123456789AB -j || return 1
	vgpus="$vgpus $U2"
	pycheck "$tmp/c.json" "ck(d == {'uuid': '$U2', 'gpu': '$gpu1', 'type': 'mdgpu-512m'}, str(d))" &&
	[ -e "$MDEV/$U2" ]
}
t "vgpu create --uuid (upper case) -j creates that vGPU" test_create_uuid
vgpus="$vgpus $U2"

VGPUCHECK='
def vck(v):
    u = v["uuid"]
    m = "%s/%s/mdgpu/" % (MDEV, u)
    ck(v["type"] == rd(m + "type") and v["gpu"] == rd(m + "pgpu"), u + " type/gpu")
    ck(v["sched_weight"] == int(rd(m + "sched_weight")), u + " weight")
    ck(v["sched_cap"] == int(rd(m + "sched_cap")), u + " cap")
    st = dict(l.split() for l in rd(m + "stats").splitlines())
    for k in ("busy_ns", "slices", "cmds_completed", "cmds_rejected", "fences", "sched_debt_ns"):
        ck(v[k] == int(st[k]), "%s %s: %s vs %s" % (u, k, v[k], st[k]))
    ck(v["state"] in ("created", "open", "running", "error"), u + " state")
'

test_vgpu_list() {
	json "$tmp/v.json" "$CTL" vgpu list -j || return 1
	pycheck "$tmp/v.json" "$VGPUCHECK
mine = sorted(u for u in os.listdir(MDEV) if os.path.exists(MDEV + '/' + u + '/mdgpu/type'))
ck(sorted(v['uuid'] for v in d) == mine, 'uuids %s, sysfs %s' % ([v['uuid'] for v in d], mine))
for v in d:
    vck(v)
    ck(v['state'] == 'created', v['uuid'] + ' not created')
"
}
t "vgpu list -j matches sysfs" test_vgpu_list

test_vgpu_list_gpu() {
	json "$tmp/v1.json" "$CTL" vgpu list --gpu 1 -j || return 1
	pycheck "$tmp/v1.json" "ck([v['uuid'] for v in d] == ['$U2'], str(d))"
	"$CTL" vgpu list >"$tmp/v.txt" || return 1
	cat "$tmp/v.txt"
	grep -q "^$U1 *$gpu0 *mdgpu-1g *created" "$tmp/v.txt" &&
	grep -q "^$U2 *$gpu1 *mdgpu-512m *created" "$tmp/v.txt"
}
t "vgpu list --gpu filters; the table shows the same vGPUs" test_vgpu_list_gpu

test_vgpu_show() {
	json "$tmp/vs.json" "$CTL" vgpu show "$U1" -j || return 1
	pycheck "$tmp/vs.json" "$VGPUCHECK
vck(d)
ck(d['uuid'] == '$U1', d['uuid'])
ck('holder_pid' not in d, 'holder of a closed vGPU')
" || return 1
	"$CTL" vgpu show "$U1" | grep -q "^type: *mdgpu-1g\$"
}
t "vgpu show -j matches sysfs" test_vgpu_show

test_libvirt_xml() {
	"$CTL" vgpu show "$U1" --libvirt-xml >"$tmp/x.xml" || return 1
	cat "$tmp/x.xml"
	python3 -c '
import sys, xml.etree.ElementTree as ET
h = ET.parse(sys.argv[1]).getroot()
a = h.attrib
assert h.tag == "hostdev" and a == {"mode": "subsystem", "type": "mdev", "model": "vfio-pci", "display": "on"}, a
assert h.find("source/address").attrib == {"uuid": sys.argv[2]}
' "$tmp/x.xml" "$U1"
}
t "vgpu show --libvirt-xml prints the mdev <hostdev> element" test_libvirt_xml

t "vgpu show of an unknown UUID fails naming it" \
	expect 1 'vgpu 00000000-0000-0000-0000-000000000001: unknown vgpu' \
	"$CTL" vgpu show 00000000-0000-0000-0000-000000000001

# --- vgpu create refusals ---------------------------------------------------

t "vgpu create with a UUID in use fails" \
	expect 1 "already in use" "$CTL" vgpu create --gpu 0 --type 16m --uuid "$U1"
t "vgpu create of a type that does not fit: no capacity" \
	expect 1 "vgpu create mdgpu-4g on gpu $gpu0: no capacity" \
	"$CTL" vgpu create --gpu 0 --type 4g
t "vgpu create on an unknown gpu fails naming it" \
	expect 1 "gpu 9: unknown gpu" "$CTL" vgpu create --gpu 9 --type 1g
t "vgpu create of an unknown type fails naming it" \
	expect 1 "type 3g on gpu $gpu0: unknown type" "$CTL" vgpu create --gpu 0 --type 3g

# --- settings ---------------------------------------------------------------

test_vgpu_set() {
	"$CTL" vgpu set "$U1" --weight 7 --cap 30 || return 1
	[ "$(cat "$MDEV/$U1/mdgpu/sched_weight")" = 7 ] || { echo weight; return 1; }
	[ "$(cat "$MDEV/$U1/mdgpu/sched_cap")" = 30 ] || { echo cap; return 1; }
	"$CTL" vgpu set "$U1" --cap none || return 1
	[ "$(cat "$MDEV/$U1/mdgpu/sched_cap")" = 0 ] || { echo cap none; return 1; }
	[ "$(cat "$MDEV/$U1/mdgpu/sched_weight")" = 7 ]
}
t "vgpu set --weight/--cap reach sysfs" test_vgpu_set

t "vgpu set --weight 0 is refused with the kernel's reason" \
	expect 1 "vgpu set $U1: .*out of range.*weight" "$CTL" vgpu set "$U1" --weight 0
t "vgpu set --cap 101 is refused" \
	expect 1 "out of range.*cap" "$CTL" vgpu set "$U1" --cap 101
t "vgpu set on an unknown UUID fails naming it" \
	expect 1 "vgpu set 00000000-0000-0000-0000-000000000002: unknown vgpu" \
	"$CTL" vgpu set 00000000-0000-0000-0000-000000000002 --weight 2

test_sched_set() {
	"$CTL" sched set --gpu 0 --policy weighted --timeslice 4 || return 1
	[ "$(cat "$PCI/$gpu0/mdgpu/sched_policy")" = weighted ] || return 1
	[ "$(cat "$PCI/$gpu0/mdgpu/timeslice_us")" = 4000 ] || return 1
	"$CTL" sched set --gpu "$gpu0" --timeslice 1.5 || return 1
	[ "$(cat "$PCI/$gpu0/mdgpu/timeslice_us")" = 1500 ] || return 1
	json "$tmp/ss.json" "$CTL" sched show --gpu 0 -j || return 1
	pycheck "$tmp/ss.json" "
ck(len(d) == 1 and d[0]['gpu'] == '$gpu0', str(d))
g = d[0]
ck(g['sched_policy'] == rd(PCI + '/$gpu0/mdgpu/sched_policy'), 'policy')
ck(g['timeslice_us'] == int(rd(PCI + '/$gpu0/mdgpu/timeslice_us')), 'slice')
ck([v['uuid'] for v in g['vgpus']] == ['$U1'], 'vgpus %s' % g['vgpus'])
ck(g['vgpus'][0]['sched_weight'] == 7, 'weight')
" || return 1
	"$CTL" sched set --gpu 0 --timeslice default --policy best_effort || return 1
	[ "$(cat "$PCI/$gpu0/mdgpu/timeslice_us")" = 2000 ] &&
	[ "$(cat "$PCI/$gpu0/mdgpu/sched_policy")" = best_effort ]
}
t "sched set --policy/--timeslice reach sysfs; sched show agrees" test_sched_set

test_sched_show_all() {
	json "$tmp/sa.json" "$CTL" sched show -j || return 1
	pycheck "$tmp/sa.json" "
ck([g['gpu'] for g in d] == ['$gpu0', '$gpu1'][:len(d)] and len(d) >= 2, str([g['gpu'] for g in d]))
for g in d:
    ck(g['sched_policy'] == rd(PCI + '/' + g['gpu'] + '/mdgpu/sched_policy'), g['gpu'])
" || return 1
	"$CTL" sched show >"$tmp/ss.txt" && cat "$tmp/ss.txt" &&
	grep -q "^policy: *best_effort" "$tmp/ss.txt" &&
	grep -q "^  $U2 *mdgpu-512m" "$tmp/ss.txt"
}
t "sched show lists every pGPU with its vGPUs" test_sched_show_all

t "sched set --timeslice 0.5 is refused with the kernel's reason" \
	expect 1 "sched set on gpu $gpu0: .*out of range.*(1000-30000|timeslice)" \
	"$CTL" sched set --gpu 0 --timeslice 0.5
t "sched set --timeslice 31 is refused" \
	expect 1 "out of range" "$CTL" sched set --gpu 0 --timeslice 31

# --- inventory --------------------------------------------------------------

INVCHECK='
import glob
ot = None
for py in ("/usr/lib/python3/dist-packages",):
    sys.path.append(py)
try:
    import os_traits
    ot = set(os_traits.get_traits())
except ImportError:
    print("# os_traits not installed: trait names not checked against it")
rps = d["resource_providers"]
for rp in rps:
    g, ty = rp["gpu"], rp["type"]
    ours = "%s/%s/%s/" % (PCI, g, ty)
    core = "/sys/class/mdev_bus/%s/mdev_supported_types/%s/" % (g, ty)
    have = sum(1 for u in os.listdir(MDEV)
               if os.path.exists(MDEV + "/" + u + "/mdgpu/type")
               and rd(MDEV + "/" + u + "/mdgpu/type") == ty
               and rd(MDEV + "/" + u + "/mdgpu/pgpu") == g)
    total = have + int(rd(core + "available_instances"))
    inv = rp["inventories"]
    if total:
        ck(inv == {"VGPU": {"total": total, "reserved": 0, "min_unit": 1,
                            "max_unit": total, "step_size": 1,
                            "allocation_ratio": 1.0}}, "%s inventory %s" % (g, inv))
    else:
        ck(inv == {}, "%s: inventory with total 0" % g)
    tr = rp["traits"]
    ck(len(set(tr)) == len(tr), "duplicate traits")
    x, y = int(rd(ours + "max_xres")), int(rd(ours + "max_yres"))
    ck("HW_GPU_MAX_DISPLAY_HEADS_" + rd(ours + "num_heads") in tr, "heads trait")
    ck("HW_GPU_RESOLUTION_W%dH%d" % (x, y) in tr, "max resolution trait")
    ck("CUSTOM_MDGPU_TYPE_" + ty[len("mdgpu-"):].upper() in tr, "custom trait")
    for name in tr:
        if name.startswith("CUSTOM_"):
            ck(len(name) <= 255 and all(c.isupper() or c.isdigit() or c == "_" for c in name), name)
            continue
        if ot is not None:
            ck(name in ot, name + " is not an os-traits name")
        if name.startswith("HW_GPU_RESOLUTION_W"):
            w, h = name[len("HW_GPU_RESOLUTION_W"):].split("H")
            ck(int(w) <= x and int(h) <= y, name + " beyond the type")
'

test_inventory() {
	json "$tmp/i.json" "$CTL" inventory -j || return 1
	pycheck "$tmp/i.json" "$INVCHECK
ck([rp['name'] for rp in rps] == [rp['gpu'] for rp in rps] == ['$gpu0', '$gpu1'][:len(rps)] and len(rps) >= 2, 'providers')
ck(rps[0]['type'] == 'mdgpu-1g', 'gpu0 type: its vGPUs are 1g, got ' + rps[0]['type'])
ck(rps[1]['type'] == 'mdgpu-512m', 'gpu1 type: ' + rps[1]['type'])
"
}
t "inventory -j: one provider per pGPU, VGPU inventory and traits from sysfs" test_inventory

test_inventory_type() {
	# os_traits lives in Debian's python3; use it if python3 is another one.
	for py in python3 /usr/bin/python3; do
		"$py" -c 'import os_traits' 2>/dev/null && break
	done
	json "$tmp/i2.json" "$CTL" inventory --type 16m --gpu 1 --host node1 -j || return 1
	"$py" -c "$PRE$INVCHECK
ck(len(rps) == 1 and rps[0]['type'] == 'mdgpu-16m', str(rps))
ck(rps[0]['name'] == 'node1_pci_' + '$gpu1'.replace(':', '_').replace('.', '_'), rps[0]['name'])
ck('HW_GPU_MAX_DISPLAY_HEADS_1' in rps[0]['traits'], 'heads 1')
ck('HW_GPU_RESOLUTION_W1280H720' not in rps[0]['traits'], 'beyond 1024x768')
" "$tmp/i2.json" || return 1
	"$CTL" inventory --gpu 0 >"$tmp/i.txt" && cat "$tmp/i.txt" &&
	grep -q "^  VGPU *4 *0 *1 *4 *1 *1.0" "$tmp/i.txt" &&
	grep -q "traits:.* CUSTOM_MDGPU_TYPE_1G" "$tmp/i.txt"
}
t "inventory --type --gpu --host; trait names exist in os-traits" test_inventory_type

t "inventory --type of an unknown type fails naming it" \
	expect 1 "type 3g on gpu .*: unknown type" "$CTL" inventory --type 3g

# Placement names a provider with at most 200 characters: with the 17 of
# "_pci_dddd_bb_ss_f" a host name may have 183.
long_host() {
	printf "%0${1}d" 0 | tr 0 h
}

test_inventory_host_limit() {
	h=$(long_host 183)
	json "$tmp/ih.json" "$CTL" inventory --gpu 0 --host "$h" -j || return 1
	pycheck "$tmp/ih.json" "
name = d['resource_providers'][0]['name']
ck(name == '$h' + '_pci_' + '$gpu0'.replace(':', '_').replace('.', '_'), name)
ck(len(name) == 200, 'length %d' % len(name))
" || return 1
	# The table shows the whole name, not a cut one.
	"$CTL" inventory --gpu 0 --host "$h" >"$tmp/ih.txt" || return 1
	grep -q "^provider: ${h}_pci_" "$tmp/ih.txt" ||
		{ cat "$tmp/ih.txt"; echo "provider name cut in the table"; return 1; }
}
t "inventory --host of 183 characters: 200-character provider names, whole" \
	test_inventory_host_limit
t "inventory --host of 184 characters is refused: provider name too long" \
	expect 2 "--host: .*184 characters.* at most 183" \
	"$CTL" inventory --host "$(long_host 184)"
t "inventory --host of 300 characters is refused, nothing overflows" \
	expect 2 "--host: .*300 characters.* at most 183" \
	"$CTL" inventory --host "$(long_host 300)"

# --- engine workload: top, slice log, holder, state, events -----------------

# A vGPU of its own, opened and kept busy by mdgpu_py in the background;
# files in $tmp/w/ pace it: ready (ring running), stop (go on to a bad
# command, reset and close), done.
WORKLOAD='
import os, sys, time
sys.path.insert(0, sys.argv[3])
import mdgpu_py as m
uuid, d = sys.argv[1], sys.argv[2]
v = m.Vgpu(uuid)
busy = m.cmd(m.CMD_BUSY, 2000000)
v.start_ring([busy] * (v.RING_SIZE // 64 - 1))
with open(d + "/ready", "w") as f:
    f.write("%d\n" % os.getpid())
while not os.path.exists(d + "/stop"):
    v.w32(m.REG_RING_TAIL, (v.r32(m.REG_RING_HEAD) - 64) % v.RING_SIZE)
    time.sleep(0.05)
tail = v.r32(m.REG_RING_TAIL)
end = time.time() + 60
while v.r32(m.REG_RING_HEAD) != tail and time.time() < end:
    time.sleep(0.02)
v.mem[tail:tail + 64] = m.cmd(0x7F)
v.w32(m.REG_RING_TAIL, (tail + 64) % v.RING_SIZE)
while v.r32(m.REG_RING_ERROR) == 0 and time.time() < end:
    time.sleep(0.02)
open(d + "/errored", "w").close()
while not os.path.exists(d + "/reset"):
    time.sleep(0.05)
v.reset()
v.close()
open(d + "/done", "w").close()
'
mkdir -p "$tmp/w"

# wait_for FILE [SECONDS]
wait_for() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ "$i" -gt $((${2:-120} * 10)) ] && { echo "timed out waiting for $1"; return 1; }
		sleep 0.1
	done
}

# Events of the workload vGPU: created, opened, ring_error, reset, closed,
# destroyed.
"$CTL" monitor -j --count 6 >"$tmp/events.json" 2>"$tmp/events.err" &
mon=$!
bgpids="$bgpids $mon"
sleep 2		# let it join the group
W=$("$CTL" vgpu create --gpu 1 --type 16m)
vgpus="$vgpus $W"
python3 -c "$WORKLOAD" "$W" "$tmp/w" "$here" >"$tmp/w/log" 2>&1 &
wpid=$!
bgpids="$bgpids $wpid"

test_running() {
	wait_for "$tmp/w/ready" || { cat "$tmp/w/log"; return 1; }
	sleep 1
	json "$tmp/r.json" "$CTL" vgpu show "$W" -j || return 1
	pycheck "$tmp/r.json" "
pid = int(rd('$tmp/w/ready'))
ck(d['state'] in ('running', 'open'), 'state ' + d['state'])
ck(d.get('holder_pid') == pid, 'holder_pid %s, workload %d' % (d.get('holder_pid'), pid))
ck(d['holder_comm'] == rd(MDEV + '/$W/mdgpu/holder').split(None, 1)[1], 'holder_comm')
ck(d['busy_ns'] > 0 and d['cmds_completed'] > 0, 'no engine work')
"
}
t "vgpu show of an open, busy vGPU: state, holder, accounting" test_running

test_holder_hidden() {
	as_nobody "$UNPRIV_CTL" vgpu show "$W" -j >"$tmp/h.json" || return 1
	pycheck "$tmp/h.json" "
ck('holder_pid' not in d and 'holder_comm' not in d, 'holder shown to nobody: %s' % d)
ck(d['uuid'] == '$W', 'uuid')
"
}
t "an unprivileged user may read vGPUs but not see the holder" test_holder_hidden

test_top() {
	json "$tmp/top.json" "$CTL" top --once --interval 1 -j || return 1
	pycheck "$tmp/top.json" "
ck(d['interval_ns'] > 0.5e9, 'interval %d' % d['interval_ns'])
v = {x['uuid']: x for x in d['vgpus']}
ck('$W' in v, 'workload vGPU missing')
ck(v['$W']['busy_pct'] > 0, 'workload busy %s' % v['$W']['busy_pct'])
ck(v['$W']['busy_pct'] <= 100, 'above 100%')
ck(d['vgpus'][0]['uuid'] == '$W', 'busiest first')
ck(v['$U1']['busy_pct'] == 0, 'idle vGPU busy')
g = {x['gpu']: x for x in d['gpus']}
ck(g['$gpu1']['busy_pct'] > 0, 'pGPU busy')
ck(g['$gpu0']['busy_pct'] == 0, 'idle pGPU busy')
" || return 1
	"$CTL" top --once --interval 0.5 --gpu 1 >"$tmp/top.txt" || return 1
	cat "$tmp/top.txt"
	grep -q "^$W *$gpu1 *mdgpu-16m *[a-z]* *[0-9.]*%" "$tmp/top.txt" &&
	! grep -q "^$U1" "$tmp/top.txt"
}
t "top --once: the busy vGPU and its pGPU show utilization, idle ones 0" test_top

test_top_count() {
	"$CTL" top -j --count 2 --interval 0.2 >"$tmp/top2.json" || return 1
	[ "$(wc -l <"$tmp/top2.json")" -eq 2 ] || { echo "not 2 lines"; return 1; }
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    json.loads(l)
' "$tmp/top2.json"
}
t "top -j --count 2 prints two JSON lines" test_top_count

test_slice_log() {
	json "$tmp/sl.json" "$CTL" sched log --gpu 1 -j || return 1
	pycheck "$tmp/sl.json" "
ck(d, 'empty slice log')
ck(all(s['uuid'] == '$W' for s in d), 'slices of others: %s' % {s['uuid'] for s in d})
ck(all(s['actual_ns'] > 0 and s['target_ns'] > 0 for s in d), 'zero slice')
ck([s['start_ns'] for s in d] == sorted(s['start_ns'] for s in d), 'not oldest first')
raw = open(PCI + '/$gpu1/mdgpu/slice_log').read()
lines = raw.split('\\n')
if lines[-1]:
    print('# note: sysfs slice_log ends in a partial line (%d bytes): %r' % (len(raw), lines[-1]))
whole = [l.split() for l in lines[:-1]]
ck(whole and all(len(f) == 4 and f[0] == '$W' for f in whole), 'sysfs slice_log: %s' % whole[:3])
"
}
t "sched log -j: the workload's slices, oldest first" test_slice_log

test_ring_error_state() {
	touch "$tmp/w/stop"
	wait_for "$tmp/w/errored" || { cat "$tmp/w/log"; return 1; }
	json "$tmp/er.json" "$CTL" vgpu show "$W" -j || return 1
	pycheck "$tmp/er.json" "ck(d['state'] == 'error', 'state ' + d['state'])"
	touch "$tmp/w/reset"
	wait_for "$tmp/w/done" || { cat "$tmp/w/log"; return 1; }
	wait "$wpid"
}
t "a bad command stops the ring: state error" test_ring_error_state

test_events() {
	"$CTL" vgpu destroy "$W" || return 1
	i=0
	while kill -0 "$mon" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -gt 300 ] && { echo "monitor did not see 6 events"; break; }
		sleep 0.1
	done
	wait "$mon" || { cat "$tmp/events.err"; cat "$tmp/events.json"; return 1; }
	cat "$tmp/events.json"
	python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = [e["event"] for e in ev]
assert names == ["created", "opened", "ring_error", "reset", "closed", "destroyed"], names
for e in ev:
    assert e["uuid"] == sys.argv[2] and e["gpu"] == sys.argv[3] and e["type"] == "mdgpu-16m", e
assert ev[2]["ring_error"] == "opcode", ev[2]
' "$tmp/events.json" "$W" "$gpu1"
}
t "monitor -j --count 6: created, opened, ring_error, reset, closed, destroyed" test_events

test_monitor_human() {
	"$CTL" monitor -t --count 2 >"$tmp/ev.txt" 2>&1 &
	m=$!
	sleep 2
	X=$("$CTL" vgpu create --gpu 1 --type 16m) || return 1
	"$CTL" vgpu destroy "$X" || return 1
	i=0
	while kill -0 "$m" 2>/dev/null && [ "$i" -lt 300 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	kill "$m" 2>/dev/null
	cat "$tmp/ev.txt"
	grep -Eq "^\[[0-9T:.-]+\] created vgpu $X gpu $gpu1 type mdgpu-16m\$" "$tmp/ev.txt" &&
	grep -Eq "^\[[0-9T:.-]+\] destroyed vgpu $X gpu $gpu1 type mdgpu-16m\$" "$tmp/ev.txt"
}
t "monitor -t prints one line per event" test_monitor_human

# --- permissions ------------------------------------------------------------

t "sched set as an unprivileged user: not permitted" \
	expect 1 "sched set on gpu $gpu0: not permitted: needs CAP_NET_ADMIN" \
	as_nobody "$UNPRIV_CTL" sched set --gpu 0 --policy weighted
t "vgpu set as an unprivileged user: not permitted" \
	expect 1 "vgpu set $U1: not permitted: needs CAP_NET_ADMIN" \
	as_nobody "$UNPRIV_CTL" vgpu set "$U1" --weight 3
t "vgpu create as an unprivileged user: not permitted" \
	expect 1 "not permitted" as_nobody "$UNPRIV_CTL" vgpu create --gpu 0 --type 16m
t "vgpu destroy as an unprivileged user: not permitted" \
	expect 1 "not permitted" as_nobody "$UNPRIV_CTL" vgpu destroy "$U1"

test_unpriv_reads() {
	for cmd in "gpu list" "type list" "vgpu list" "sched show" "inventory"; do
		# shellcheck disable=SC2086
		as_nobody "$UNPRIV_CTL" $cmd -j >"$tmp/u.json" || { echo "$cmd"; return 1; }
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/u.json" ||
			{ echo "$cmd: bad JSON"; return 1; }
	done
	[ "$(cat "$PCI/$gpu0/mdgpu/sched_policy")" = best_effort ] &&
	[ "$(cat "$MDEV/$U1/mdgpu/sched_weight")" = 7 ]
}
t "an unprivileged user can run every read command; nothing changed" test_unpriv_reads

# --- bad arguments: exit 2 --------------------------------------------------

u2() {
	t "usage error: mdgpuctl $*" expect 2 "." "$CTL" "$@"
}
u2
u2 frob
u2 gpu frob
u2 gpu show
u2 gpu list extra
u2 type list --bogus
u2 vgpu create --gpu 0
u2 vgpu create --type 1g
u2 vgpu create --gpu 0 --type 1g --uuid not-a-uuid
u2 vgpu create --gpu 0 --type 'one g'
u2 vgpu destroy
u2 vgpu destroy not-a-uuid
u2 vgpu show
u2 vgpu show "$U1" --libvirt-xml -j
u2 vgpu set "$U1"
u2 vgpu set "$U1" --weight ten
u2 vgpu set "$U1" --weight 1 --weight 2
u2 sched set --policy weighted
u2 sched set --gpu 0
u2 sched set --gpu 0 --policy fastest
u2 sched set --gpu 0 --timeslice 1.2345
u2 sched log
u2 top --interval 0
u2 top --count 0
u2 monitor --count x
u2 inventory --type ''
u2 inventory extra

test_help() {
	for cmd in "" "gpu" "type" "vgpu" "vgpu create" "sched set" "top" \
		"monitor" "inventory"; do
		# shellcheck disable=SC2086
		"$CTL" $cmd --help >"$tmp/help.txt" || { echo "$cmd --help failed"; return 1; }
		grep -q "^Usage: mdgpuctl" "$tmp/help.txt" || { echo "$cmd: no usage"; return 1; }
	done
}
t "--help on every object and verb prints usage, exit 0" test_help

# --- destroy ------------------------------------------------------------------

test_destroy() {
	"$CTL" vgpu destroy "$U2" || return 1
	[ ! -e "$MDEV/$U2" ] || return 1
	"$CTL" vgpu destroy "$(echo "$U1" | tr a-f A-F)" || return 1
	[ ! -e "$MDEV/$U1" ]
}
t "vgpu destroy removes the vGPU (either case)" test_destroy

t "vgpu destroy of an unknown UUID fails naming it" \
	expect 1 "vgpu $U2: unknown vgpu" "$CTL" vgpu destroy "$U2"

test_empty() {
	json "$tmp/e.json" "$CTL" vgpu list -j || return 1
	pycheck "$tmp/e.json" "ck(d == [], str(d))" || return 1
	[ -z "$("$CTL" vgpu list)" ]
}
t "vgpu list with no vGPUs: [] and no table" test_empty

# --- module unload: every vGPU's destroyed event -------------------------------

test_rmmod_events() {
	set -- "$("$CTL" vgpu create --gpu 0 --type 1g)" \
		"$("$CTL" vgpu create --gpu 0 --type 16m)" \
		"$("$CTL" vgpu create --gpu 1 --type 16m)"
	for u in "$@"; do
		[ -e "$MDEV/$u" ] || { echo "vgpu create failed"; return 1; }
		vgpus="$vgpus $u"
	done
	"$CTL" monitor -j --count 3 >"$tmp/rm.json" 2>"$tmp/rm.err" &
	mon=$!
	bgpids="$bgpids $mon"
	sleep 2
	rmmod mdgpu || { echo "rmmod failed"; return 1; }
	i=0
	while kill -0 "$mon" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -gt 100 ] && { echo "monitor did not see 3 events"; kill "$mon"; break; }
		sleep 0.1
	done
	wait "$mon"
	rc=$?
	insmod "$MDGPU_KO" || { echo "insmod $MDGPU_KO failed"; return 1; }
	cat "$tmp/rm.err" "$tmp/rm.json"
	[ "$rc" -eq 0 ] || { echo "monitor exit status $rc"; return 1; }
	python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
got = sorted((e["event"], e["uuid"]) for e in ev)
want = sorted(("destroyed", u) for u in sys.argv[2:])
assert got == want, "events %s, want %s" % (got, want)
' "$tmp/rm.json" "$@"
}
if [ -n "${MDGPU_KO:-}" ] && [ -r "${MDGPU_KO:-}" ]; then
	t "rmmod with vGPUs: monitor sees every vGPU's destroyed event" \
		test_rmmod_events
else
	n=$((n + 1))
	echo "ok $n rmmod destroyed events # SKIP MDGPU_KO not set"
fi

# --- vf ----------------------------------------------------------------------

test_vf() {
	vf=6d67:01:00.0
	echo 2 >"$PCI/$gpu0/sriov_numvfs" || return 1
	bad=0
	"$CTL" vf set "$vf" 1g || bad=1
	json "$tmp/vf.json" "$CTL" vf list -j || bad=1
	pycheck "$tmp/vf.json" '
ck(len(d) == 2, "two VFs listed: %r" % d)
ck(d[0]["vf"] == "6d67:01:00.0" and d[0]["gpu"] == "'"$gpu0"'", "VF 0: %r" % d[0])
ck(d[0]["type"] == "1g", "VF 0 type: %r" % d[0])
ck(d[0]["iommu_group"] == os.path.basename(os.readlink(PCI + "/6d67:01:00.0/iommu_group")), "group")
ck("type" not in d[1], "VF 1 has no type: %r" % d[1])' || bad=1
	"$CTL" vf list | grep -Eq "^6d67:01:00.0 +$gpu0 +1g" || { echo "table:"; "$CTL" vf list; bad=1; }
	expect 1 "unknown type 7z" "$CTL" vf set "$vf" 7z || bad=1
	expect 1 "no room for type 4g" "$CTL" vf set 6d67:01:00.1 4g || bad=1
	expect 2 "is not a PCI address" "$CTL" vf set nonsense 1g || bad=1
	[ "$(cat "$PCI/$vf/mdgpu/current_vgpu_type")" = 1g ] || bad=1
	"$CTL" vf clear "$vf" || bad=1
	[ "$(cat "$PCI/$vf/mdgpu/current_vgpu_type")" = 0 ] || bad=1
	echo 0 >"$PCI/$gpu0/sriov_numvfs" || bad=1
	return "$bad"
}
t "vf list/set/clear show and change the VFs' vGPU types" test_vf

# --- module not loaded --------------------------------------------------------

test_not_loaded() {
	rmmod mdgpu || return 1
	bad=0
	expect 1 "^mdgpuctl: mdgpu module not loaded" "$CTL" gpu list || bad=1
	expect 1 "mdgpu module not loaded" "$CTL" monitor || bad=1
	expect 1 "mdgpu module not loaded" "$CTL" vgpu create --gpu 0 --type 1g || bad=1
	expect 1 "mdgpu module not loaded" "$CTL" vgpu destroy "$U1" || bad=1
	insmod "$MDGPU_KO" || { echo "insmod $MDGPU_KO failed"; return 1; }
	"$CTL" gpu list >/dev/null || bad=1
	return "$bad"
}
if [ -n "${MDGPU_KO:-}" ] && [ -r "${MDGPU_KO:-}" ]; then
	t "without the module: 'mdgpu module not loaded', exit 1" test_not_loaded
else
	n=$((n + 1))
	echo "ok $n without the module # SKIP MDGPU_KO not set"
fi

echo "1..$n"
if [ "$failed" -ne 0 ]; then
	echo "# $failed of $n failed"
	exit 1
fi
exit 0
