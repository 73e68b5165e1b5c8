/**
 * Vietnamese, the engine's only language today: the words people type for "quay lại", "bỏ qua",
 * "xong", the engine's own messages, and how a flow for citizens re-addresses them.
 */
import { fold, isTypedNo } from '../../domain/text.js';
import type { FlowLocale } from '../types.js';

const vn = (n: number) => n.toLocaleString('vi-VN');

export const vi: FlowLocale = {
  fold,
  isTypedNo: (text, { zero }) => isTypedNo(text, { zero }),
  address: 'Đồng chí',
  readdress: (text, address) =>
    text.replace(/Đồng chí/g, address).replace(/đồng chí/g, address.toLowerCase()),
  yesNo: { yes: { key: 'co', label: 'Có' }, no: { key: 'khong', label: 'Không' } },
  nav: { back: 'Quay lại', skip: 'Bỏ qua', done: 'Xong ✔', submit: 'GỬI BÁO CÁO', edit: 'Sửa' },
  words: {
    back: ['quay lai', 'quaylai', 'lui lai', 'tro lai'],
    skip: ['bo qua', 'boqua'],
    done: ['xong', 'ok', 'tiep'],
    submit: ['gui', 'gui bao cao', 'gui ngay', 'dong y'],
    edit: ['sua', 'sua lai'],
  },
  formatNumber: vn,
  text: {
    staleButton: 'Nút này thuộc câu hỏi trước. Đồng chí trả lời câu hỏi dưới đây ạ.',
    firstQuestion: 'Đây là câu hỏi đầu tiên.',
    missingRequired: 'Còn câu hỏi bắt buộc chưa trả lời:',
    reviewHelp: (submit, edit) => `Đồng chí bấm "${submit}" hoặc "${edit}" ạ.`,
    editMenu: 'Đồng chí muốn sửa câu nào?',
    pickToEdit: 'Đồng chí chọn số của câu muốn sửa ạ.',
    submitted: '✅ Đã gửi',
    edit: 'Sửa',
    editing: (label) => `Sửa: ${label}`,
    answering: (answer) => `(Đang trả lời: ${answer})`,
    skipped: '(bỏ qua)',
    media: { photo: 'ảnh', document: 'tệp', voice: 'ghi âm', video: 'video', audio: 'ghi âm' },
    required: 'Câu này cần trả lời ạ.',
    pickOne: 'Đồng chí chọn một trong các ý dưới đây (bấm nút hoặc gõ số thứ tự) ạ.',
    textNotLocation: 'Câu này cần trả lời bằng chữ hoặc ghi âm ạ.',
    textNotButton: 'Đồng chí gõ câu trả lời hoặc gửi ghi âm ạ.',
    textEmpty: 'Đồng chí gõ câu trả lời ạ.',
    tooLong: (length, max) =>
      `Câu trả lời dài ${length} ký tự, quá giới hạn ${max} ký tự. Đồng chí viết ngắn lại giúp ạ.`,
    typeNumber: 'Đồng chí gõ một con số ạ (ví dụ: 3).',
    numberRange: (min, max) => `Con số cần từ ${min} đến ${max} ạ.`,
    sendMedia: 'Đồng chí gửi ảnh hoặc tệp ạ.',
    sendMediaOrSkip: (skip) => `Đồng chí gửi ảnh, hoặc bấm "${skip}" ạ.`,
    addressTooLong: 'Địa chỉ dài quá, đồng chí ghi ngắn lại ạ.',
    sendLocation: 'Đồng chí gửi vị trí hoặc gõ địa chỉ ạ.',
    pickAtLeastOne: (done) => `Đồng chí chọn ít nhất một ý rồi bấm "${done}" ạ.`,
    invalidChoice: 'Lựa chọn không hợp lệ.',
    pickThenDone: 'Đồng chí bấm chọn các ý, rồi bấm "Xong" ạ.',
    notUnderstood: (part) => `Không hiểu lựa chọn "${part}". Đồng chí gõ số thứ tự, ví dụ: 1 3 ạ.`,
    exclusive: (label) => `"${label}" không chọn cùng các ý khác được. Đồng chí chọn lại ạ.`,
  },
};
