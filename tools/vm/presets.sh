# shellcheck shell=bash
# Emulated GPU topologies.  Sourced by tools/p2p-vm.
#
# An emulated GPU is one PCI slot: function 0 is an ivshmem-plain device whose BAR2 is the
# VRAM, function 1 an edu device that is the GPU's DMA engine.  A preset sets:
#   preset_desc   one line for `p2p-vm presets`
#   preset_cpu    QEMU CPU model (EPYC: AMD family 17h, p2pdma allows the host bridge path;
#                 max: p2pdma refuses it)
#   preset_iommu  1 when an intel-iommu translates every DMA
#   preset_gpus   number of GPUs
#   preset_switch GPU indices placed behind the one PCIe switch (x3130), space separated
#   preset_args   the QEMU arguments for the GPUs and the topology (array)

P2P_PRESETS="2gpu 2gpu-noiommu 2gpu-switch 2gpu-nop2p 4gpu"
P2P_VRAM_MB=${P2P_VRAM_MB:-256}

# gpu_on_bus INDEX BUS SLOT: a GPU's two functions in slot SLOT of BUS.
gpu_on_bus() {
	local i=$1 bus=$2 slot=$3
	preset_args+=(-object "memory-backend-ram,id=vram$i,size=${P2P_VRAM_MB}M"
		-device "ivshmem-plain,id=gpu$i,memdev=vram$i,bus=$bus,addr=$slot.0,multifunction=on"
		-device "edu,id=engine$i,dma_mask=0xffffffffffffffff,bus=$bus,addr=$slot.1")
}

# switch_ports N: a root port, an x3130 upstream port below it and N downstream ports
# dn0..dn(N-1).
switch_ports() {
	local n=$1 d
	preset_args+=(-device pcie-root-port,id=swrp,chassis=1,slot=1,bus=pcie.0,addr=0x10
		-device x3130-upstream,id=swup,bus=swrp)
	for ((d = 0; d < n; d++)); do
		preset_args+=(-device "xio3130-downstream,id=dn$d,bus=swup,chassis=$((2 + d)),slot=$d")
	done
}

# root_port NAME INDEX: a root port of its own on the root complex.
root_port() {
	preset_args+=(-device "pcie-root-port,id=$1,chassis=$((10 + $2)),slot=$((10 + $2)),bus=pcie.0,addr=$(printf '0x%x' $((0x11 + $2)))")
}

preset_load() {
	preset_args=()
	preset_cpu=EPYC
	preset_iommu=1
	preset_switch=""
	case "$1" in
	2gpu)
		preset_desc="two GPUs on the root complex, intel-iommu, host bridge P2P allowed (EPYC)"
		preset_gpus=2
		gpu_on_bus 0 pcie.0 0x05
		gpu_on_bus 1 pcie.0 0x06
		;;
	2gpu-noiommu)
		preset_desc="two GPUs on the root complex, no IOMMU: DMA address = physical address"
		preset_gpus=2
		preset_iommu=0
		gpu_on_bus 0 pcie.0 0x05
		gpu_on_bus 1 pcie.0 0x06
		;;
	2gpu-switch)
		preset_desc="two GPUs behind one PCIe switch (x3130), no IOMMU: bus-address P2P"
		preset_gpus=2
		preset_iommu=0
		preset_switch="0 1"
		switch_ports 2
		gpu_on_bus 0 dn0 0x00
		gpu_on_bus 1 dn1 0x00
		;;
	2gpu-nop2p)
		preset_desc="two GPUs on the root complex, intel-iommu, host bridge P2P refused (-cpu max)"
		preset_gpus=2
		preset_cpu=max
		gpu_on_bus 0 pcie.0 0x05
		gpu_on_bus 1 pcie.0 0x06
		;;
	4gpu)
		preset_desc="four GPUs: 0 and 1 behind one switch, 2 and 3 on root ports, and a lone ivshmem and edu that are no GPU; intel-iommu, EPYC"
		preset_gpus=4
		preset_switch="0 1"
		switch_ports 2
		gpu_on_bus 0 dn0 0x00
		gpu_on_bus 1 dn1 0x00
		root_port rp2 2
		root_port rp3 3
		gpu_on_bus 2 rp2 0x00
		gpu_on_bus 3 rp3 0x00
		# An ivshmem and an edu that are not a GPU: drm_p2p must leave them alone.
		preset_args+=(-object "memory-backend-ram,id=lonemem,size=16M"
			-device ivshmem-plain,id=lone-ivshmem,memdev=lonemem,bus=pcie.0,addr=0x0a
			-device edu,id=lone-edu,bus=pcie.0,addr=0x0b)
		;;
	*)
		return 1
		;;
	esac
	if [ "$preset_iommu" = 1 ]; then
		# The IOMMU must exist before the devices it translates for.
		preset_args=(-device intel-iommu "${preset_args[@]}")
	fi
	return 0
}
