/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of dmabuf_phyr: attach, map, unmap, revoke.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dmabuf_phyr

#if !defined(_PHYR_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PHYR_TRACE_H

#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dmabuf_phyr.h>
#include <linux/tracepoint.h>

#define phyr_show_path(p) __print_symbolic(p,		\
	{ PHYR_MAP_UNKNOWN, "UNKNOWN" },			\
	{ PHYR_MAP_NOT_SUPPORTED, "NOT_SUPPORTED" },		\
	{ PHYR_MAP_BUS_ADDR, "BUS_ADDR" },			\
	{ PHYR_MAP_THRU_HOST_BRIDGE, "THRU_HOST_BRIDGE" },	\
	{ PHYR_MAP_NONE, "NONE" })

TRACE_EVENT(phyr_attach,
	    TP_PROTO(struct dma_buf *dmabuf, struct device *dev, int path, int ret),
	    TP_ARGS(dmabuf, dev, path, ret),
	    TP_STRUCT__entry(__field(unsigned long, ino)
			     __string(dev, dev_name(dev))
			     __field(int, path)
			     __field(int, ret)),
	    TP_fast_assign(__entry->ino = file_inode(dmabuf->file)->i_ino;
			   __assign_str(dev);
			   __entry->path = path;
			   __entry->ret = ret;),
	    TP_printk("buf=%lu dev=%s path=%s ret=%d", __entry->ino, __get_str(dev),
		      phyr_show_path(__entry->path), __entry->ret)
);

TRACE_EVENT(phyr_map,
	    TP_PROTO(struct dma_buf *dmabuf, struct device *dev, unsigned int nr, u64 size,
		     int ret),
	    TP_ARGS(dmabuf, dev, nr, size, ret),
	    TP_STRUCT__entry(__field(unsigned long, ino)
			     __string(dev, dev_name(dev))
			     __field(unsigned int, nr)
			     __field(u64, size)
			     __field(int, ret)),
	    TP_fast_assign(__entry->ino = file_inode(dmabuf->file)->i_ino;
			   __assign_str(dev);
			   __entry->nr = nr;
			   __entry->size = size;
			   __entry->ret = ret;),
	    TP_printk("buf=%lu dev=%s ranges=%u size=%llu ret=%d", __entry->ino,
		      __get_str(dev), __entry->nr, __entry->size, __entry->ret)
);

TRACE_EVENT(phyr_unmap,
	    TP_PROTO(struct dma_buf *dmabuf, struct device *dev, unsigned int nr, u64 size),
	    TP_ARGS(dmabuf, dev, nr, size),
	    TP_STRUCT__entry(__field(unsigned long, ino)
			     __string(dev, dev_name(dev))
			     __field(unsigned int, nr)
			     __field(u64, size)),
	    TP_fast_assign(__entry->ino = file_inode(dmabuf->file)->i_ino;
			   __assign_str(dev);
			   __entry->nr = nr;
			   __entry->size = size;),
	    TP_printk("buf=%lu dev=%s ranges=%u size=%llu", __entry->ino, __get_str(dev),
		      __entry->nr, __entry->size)
);

TRACE_EVENT(phyr_revoke,
	    TP_PROTO(struct dma_buf *dmabuf),
	    TP_ARGS(dmabuf),
	    TP_STRUCT__entry(__field(unsigned long, ino)
			     __field(size_t, size)),
	    TP_fast_assign(__entry->ino = file_inode(dmabuf->file)->i_ino;
			   __entry->size = dmabuf->size;),
	    TP_printk("buf=%lu size=%zu", __entry->ino, __entry->size)
);

#endif /* _PHYR_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE phyr_trace
#include <trace/define_trace.h>
