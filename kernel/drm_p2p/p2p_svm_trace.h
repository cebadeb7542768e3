/* SPDX-License-Identifier: GPL-2.0 */
/*
 * p2p_svm_trace.h - tracepoints of drm_p2p SVM: fault, invalidate, migrate,
 * peer map.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM p2p_svm

#if !defined(_P2P_SVM_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _P2P_SVM_TRACE_H_

#include <linux/tracepoint.h>

TRACE_EVENT(p2p_svm_fault,
	    TP_PROTO(unsigned int gpu, u32 ctx, unsigned long start, unsigned long end,
		     bool write, int ret),
	    TP_ARGS(gpu, ctx, start, end, write, ret),
	    TP_STRUCT__entry(__field(unsigned int, gpu)
			     __field(u32, ctx)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(bool, write)
			     __field(int, ret)),
	    TP_fast_assign(__entry->gpu = gpu;
			   __entry->ctx = ctx;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->write = write;
			   __entry->ret = ret;),
	    TP_printk("gpu%u ctx %u [%#lx, %#lx) %s ret %d", __entry->gpu, __entry->ctx,
		      __entry->start, __entry->end, __entry->write ? "write" : "read",
		      __entry->ret)
);

TRACE_EVENT(p2p_svm_invalidate,
	    TP_PROTO(unsigned int gpu, u32 ctx, unsigned long start, unsigned long end,
		     int event, unsigned long cleared),
	    TP_ARGS(gpu, ctx, start, end, event, cleared),
	    TP_STRUCT__entry(__field(unsigned int, gpu)
			     __field(u32, ctx)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(int, event)
			     __field(unsigned long, cleared)),
	    TP_fast_assign(__entry->gpu = gpu;
			   __entry->ctx = ctx;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->event = event;
			   __entry->cleared = cleared;),
	    TP_printk("gpu%u ctx %u [%#lx, %#lx) event %d cleared %lu", __entry->gpu,
		      __entry->ctx, __entry->start, __entry->end, __entry->event,
		      __entry->cleared)
);

TRACE_EVENT(p2p_svm_migrate,
	    TP_PROTO(unsigned int gpu, const char *why, unsigned long start,
		     unsigned long npages, unsigned long moved),
	    TP_ARGS(gpu, why, start, npages, moved),
	    TP_STRUCT__entry(__field(unsigned int, gpu)
			     __string(why, why)
			     __field(unsigned long, start)
			     __field(unsigned long, npages)
			     __field(unsigned long, moved)),
	    TP_fast_assign(__entry->gpu = gpu;
			   __assign_str(why);
			   __entry->start = start;
			   __entry->npages = npages;
			   __entry->moved = moved;),
	    TP_printk("gpu%u %s at %#lx: %lu of %lu pages moved", __entry->gpu,
		      __get_str(why), __entry->start, __entry->moved, __entry->npages)
);

TRACE_EVENT(p2p_svm_peer_map,
	    TP_PROTO(unsigned int gpu, u32 ctx, unsigned long addr, unsigned int peer,
		     u64 dma, unsigned int path),
	    TP_ARGS(gpu, ctx, addr, peer, dma, path),
	    TP_STRUCT__entry(__field(unsigned int, gpu)
			     __field(u32, ctx)
			     __field(unsigned long, addr)
			     __field(unsigned int, peer)
			     __field(u64, dma)
			     __field(unsigned int, path)),
	    TP_fast_assign(__entry->gpu = gpu;
			   __entry->ctx = ctx;
			   __entry->addr = addr;
			   __entry->peer = peer;
			   __entry->dma = dma;
			   __entry->path = path;),
	    TP_printk("gpu%u ctx %u va %#lx -> gpu%u VRAM at dma %#llx path %u",
		      __entry->gpu, __entry->ctx, __entry->addr, __entry->peer,
		      __entry->dma, __entry->path)
);

#endif /* _P2P_SVM_TRACE_H_ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE p2p_svm_trace
#include <trace/define_trace.h>
