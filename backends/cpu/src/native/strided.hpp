// Elementwise layouts: arrays of one shape with any strides (a transposed view, a slice,
// a broadcast input's zero strides). Dimensions that every array walks contiguously are
// merged, and the kernel runs row by row over the last dimension, so that a contiguous
// call is one row and a strided one still reads each element once, in place.
#pragma once

#include <cstdint>
#include <vector>

#include "checks.hpp"
#include "common.hpp"

namespace plugboard_native {

class Layout {
public:
    // The arrays' common shape and each one's strides in elements (arrays[0] is out).
    Layout(const Call& call, const std::vector<py::array>& arrays);

    std::int64_t numel() const { return numel_; }
    std::int64_t inner() const { return shape_.empty() ? 1 : shape_.back(); }
    std::int64_t rows() const { return inner() ? numel_ / inner() : 0; }
    // Array k's stride along the last dimension, in elements.
    std::int64_t inner_stride(std::size_t k) const {
        return shape_.empty() ? 1 : strides_[k].back();
    }
    // Array k's offset, in elements, of the first element of row `r`.
    std::int64_t row_offset(std::size_t k, std::int64_t r) const;
    bool contiguous() const;

private:
    std::int64_t numel_ = 1;
    std::vector<std::int64_t> shape_;
    std::vector<std::vector<std::int64_t>> strides_;
};

// fn(row_offsets, inner_strides, count) per row, threaded over rows: each task about
// `grain` elements.
template <typename Fn>
void for_each_row(const Layout& layout, std::size_t arrays, std::int64_t grain, Fn&& fn) {
    const std::int64_t inner = layout.inner();
    const std::int64_t rows = layout.rows();
    std::vector<std::int64_t> steps(arrays);
    for (std::size_t k = 0; k < arrays; ++k) {
        steps[k] = layout.inner_stride(k);
    }
    parallel_for(rows, std::max<std::int64_t>(1, grain / std::max<std::int64_t>(inner, 1)),
                 [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::int64_t> offsets(arrays);
        for (std::int64_t r = begin; r < end; ++r) {
            for (std::size_t k = 0; k < arrays; ++k) {
                offsets[k] = layout.row_offset(k, r);
            }
            fn(offsets.data(), steps.data(), inner);
        }
    });
}

}  // namespace plugboard_native
